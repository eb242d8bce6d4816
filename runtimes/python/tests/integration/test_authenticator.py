"""Token validation against the fixture's real issuer (oidc-provider)."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from sfn_runtime.authenticator import OidcAuthenticator
from sfn_runtime.errors import SfnError, SfnSystemError, UnauthorizedError

from ._tokens import mint_token
from .conftest import OIDC_AUDIENCE, OIDC_ISSUER, RESOURCE_CLIENT


@pytest.fixture
async def authenticator() -> AsyncIterator[OidcAuthenticator]:
    async with OidcAuthenticator(OIDC_ISSUER, audience=OIDC_AUDIENCE, clock_skew=timedelta(0)) as auth:
        yield auth


async def _reason(auth: OidcAuthenticator, token: str) -> str:
    with pytest.raises(SfnError) as caught:
        await auth.validate_token(token)
    assert caught.value.code == "SFN_UNAUTHENTICATED"
    assert set(caught.value.details) == {"reason"}
    return str(caught.value.details["reason"])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def test_valid_jwt_gives_a_user_context(authenticator: OidcAuthenticator) -> None:
    token = await mint_token("alice")
    user = await authenticator.validate_token(f"Bearer {token}")
    assert user.user_id
    assert user.token == token
    assert user.expires_at is not None
    assert user.expires_at > time.time()
    assert isinstance(user.roles, list)
    # cached: the same object comes back
    assert await authenticator.validate_token(f"bearer {token}") is user


async def test_expired_token(authenticator: OidcAuthenticator) -> None:
    token = await mint_token("bob", ttl=1)
    await asyncio.sleep(2.1)
    assert await _reason(authenticator, token) == "token_expired"


async def test_forged_signature_and_payload(authenticator: OidcAuthenticator) -> None:
    header, payload, signature = (await mint_token("alice")).split(".")
    sig = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    sig[0] ^= 0xFF
    assert await _reason(authenticator, f"{header}.{payload}.{_b64(bytes(sig))}") == "signature_invalid"
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory-as-admin"
    forged = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    assert await _reason(authenticator, forged) == "signature_invalid"


async def test_token_signed_by_an_unknown_key(authenticator: OidcAuthenticator) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": "alice", "iat": now, "exp": now + 60}
    forged = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "not-a-real-kid"})
    assert await _reason(authenticator, forged) == "key_unknown"


async def test_disallowed_algorithms(authenticator: OidcAuthenticator) -> None:
    now = int(time.time())
    claims = {"iss": OIDC_ISSUER, "aud": OIDC_AUDIENCE, "sub": "alice", "exp": now + 60}
    assert await _reason(authenticator, jwt.encode(claims, "secret" * 8, algorithm="HS256")) == (
        "algorithm_not_allowed"
    )
    none_header = _b64(json.dumps({"alg": "none"}).encode())
    none_token = f"{none_header}.{_b64(json.dumps(claims).encode())}."
    assert await _reason(authenticator, none_token) == "algorithm_not_allowed"


async def test_malformed_and_missing(authenticator: OidcAuthenticator) -> None:
    assert await _reason(authenticator, "Bearer not.a.jwt") == "token_malformed"
    assert await _reason(authenticator, "Basic abc") == "token_malformed"
    assert await _reason(authenticator, "Bearer ") == "token_missing"
    assert await _reason(authenticator, "x" * 16_385) == "token_too_large"


async def test_wrong_audience() -> None:
    async with OidcAuthenticator(OIDC_ISSUER, audience="urn:other") as auth:
        assert await _reason(auth, await mint_token("alice")) == "audience_mismatch"


async def test_opaque_token_by_introspection() -> None:
    client_id, client_secret = RESOURCE_CLIENT
    async with OidcAuthenticator(
        OIDC_ISSUER,
        audience="urn:sfn:api-opaque",
        mode="introspection",
        client_id=client_id,
        client_secret=client_secret,
    ) as auth:
        token = await mint_token("carol", resource="urn:sfn:api-opaque")
        user = await auth.validate_token(token)
        assert user.user_id
        assert await _reason(auth, "definitely-not-a-token") == "token_inactive"


async def test_unreachable_issuer_is_a_retryable_system_error() -> None:
    async with OidcAuthenticator("http://127.0.0.1:9", audience=OIDC_AUDIENCE) as auth:
        with pytest.raises(SfnSystemError) as caught:
            await auth.validate_token(await mint_token("alice"))
        assert caught.value.code == "SFN_UNAUTHENTICATED"
        assert caught.value.retryable
        assert caught.value.details == {"reason": "issuer_unavailable"}
        assert not isinstance(caught.value, UnauthorizedError)


async def test_warm_fetches_discovery_and_keys_so_validation_needs_no_request() -> None:
    requests: list[str] = []

    async def count(request: httpx.Request) -> None:
        requests.append(request.url.path)

    async with httpx.AsyncClient(timeout=5.0, event_hooks={"request": [count]}) as http:
        auth = OidcAuthenticator(OIDC_ISSUER, audience=OIDC_AUDIENCE, http_client=http)
        await auth.warm()
        assert requests == ["/.well-known/openid-configuration", "/jwks"]
        await auth.warm()  # already warm: nothing fetched again
        assert len(requests) == 2
        # many calls at once right after a (re)start: every one validates from memory
        tokens = [await mint_token(name) for name in ("alice", "bob", "carol")]
        users = await asyncio.gather(*(auth.validate_token(t) for t in tokens * 20))
        assert {u.user_id for u in users} == {u.user_id for u in users[:3]}
        assert len(requests) == 2


async def test_warm_gives_up_at_its_deadline_with_issuer_unavailable() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with OidcAuthenticator(f"http://127.0.0.1:{port}", audience=OIDC_AUDIENCE) as auth:
        started = time.monotonic()
        with pytest.raises(SfnSystemError) as caught:
            await auth.warm(deadline=timedelta(seconds=1))
        elapsed = time.monotonic() - started
    assert caught.value.code == "SFN_UNAUTHENTICATED"
    assert caught.value.details == {"reason": "issuer_unavailable"}
    assert caught.value.retryable is True
    assert 0.5 <= elapsed < 3  # retried with back-off, then gave up

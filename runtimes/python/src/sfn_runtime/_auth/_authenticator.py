"""OidcAuthenticator: JWT validation against the issuer's JWKS, or RFC 7662 introspection (protocol §12)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Final, Literal

import httpx
import jwt

from ..errors import SfnError
from ..generated.wire_types import UserContext
from ._cache import TokenCache
from ._claims import user_context_from_claims
from ._failures import auth_failure
from ._issuer import Issuer

DEFAULT_ALGORITHMS: Final = ("RS256", "PS256", "ES256", "EdDSA")
_FORBIDDEN_ALGORITHMS: Final = frozenset({"none", "HS256", "HS384", "HS512"})
_MAX_TOKEN_LENGTH: Final = 16_384
_JWT_CACHE_SECONDS: Final = 60.0

Mode = Literal["jwt", "introspection", "auto"]


def strip_bearer(value: str | None) -> str:
    """The token of an ``authorization`` value (scheme case-insensitive, P-HDR-5), or the raw token."""
    if value is None or not value.strip():
        raise auth_failure("token_missing")
    scheme, _, rest = value.strip().partition(" ")
    if rest or scheme.lower() == "bearer":
        if scheme.lower() != "bearer":
            raise auth_failure("token_malformed")
        token = rest.strip()
        if not token:
            raise auth_failure("token_missing")
        return token
    return scheme


class OidcAuthenticator:
    """Implements the generated ``Authenticator`` protocol for one issuer and one audience.

    Use ``async with OidcAuthenticator(issuer, audience=...)``, or call ``aclose()``.
    """

    def __init__(
        self,
        issuer: str,
        *,
        audience: str,
        mode: Mode = "jwt",
        client_id: str | None = None,
        client_secret: str | None = None,
        algorithms: Sequence[str] = DEFAULT_ALGORITHMS,
        clock_skew: timedelta = timedelta(seconds=30),
        introspection_cache_ttl: timedelta = timedelta(seconds=30),
        http_client: httpx.AsyncClient | None = None,
        cache_size: int = 10_000,
    ) -> None:
        if clock_skew > timedelta(seconds=60):
            raise ValueError("clock_skew is at most 60 s (P-AUTH-3)")
        bad = _FORBIDDEN_ALGORITHMS.intersection(algorithms)
        if bad:
            raise ValueError(f"algorithms {sorted(bad)} must not be allowed (P-AUTH-3)")
        if mode != "jwt" and (client_id is None or client_secret is None):
            raise ValueError("introspection needs the service's client_id and client_secret")
        self.issuer = issuer
        self.audience = audience
        self.mode: Mode = mode
        self._client_auth = (client_id, client_secret)
        self._algorithms = list(algorithms)
        self._skew = clock_skew.total_seconds()
        self._introspection_ttl = introspection_cache_ttl.total_seconds()
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=httpx.Timeout(5.0))
        self._issuer = Issuer(issuer, self._http)
        self._cache: TokenCache[UserContext] = TokenCache(max_entries=cache_size)
        self._inflight: dict[bytes, asyncio.Future[UserContext]] = {}

    async def __aenter__(self) -> OidcAuthenticator:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def warm(self, *, deadline: timedelta = timedelta(seconds=30)) -> None:
        """Fetches the issuer's discovery document and (for JWTs) its key set now, retrying with back-off
        (0.1 s doubling to 2 s) until ``deadline``, as @sfn/authenticator discovers at creation. A host
        calls it before it takes calls: after a (re)start the first calls then validate from memory,
        instead of all waiting on, and failing with, one slow fetch. Raises ``SystemError``
        ``issuer_unavailable`` when the deadline passes; validation keeps fetching lazily after that."""
        until = time.monotonic() + deadline.total_seconds()
        delay = 0.1
        while True:
            try:
                await self._issuer.warm(keys=self.mode != "introspection")
                return
            except SfnError:
                if time.monotonic() + delay > until:
                    raise
            await asyncio.sleep(delay)
            delay = min(2.0, delay * 2)

    async def validate_token(self, token: str) -> UserContext:
        """Validates a token (with or without ``Bearer ``); raises ``Unauthorized`` or ``SystemError``."""
        raw = strip_bearer(token)
        if len(raw) > _MAX_TOKEN_LENGTH:
            raise auth_failure("token_too_large")
        key = self._cache.key(raw)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        inflight = self._inflight.get(key)
        if inflight is not None:  # concurrent validations of one token share one request
            return await asyncio.shield(inflight)
        future: asyncio.Future[UserContext] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            user, ttl = await self._validate(raw)
            self._cache.put(key, user, ttl)
            future.set_result(user)
            return user
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # mark retrieved
            raise
        finally:
            del self._inflight[key]

    async def _validate(self, token: str) -> tuple[UserContext, float]:
        looks_like_jwt = token.count(".") == 2
        if self.mode == "jwt" or (self.mode == "auto" and looks_like_jwt):
            return await self._validate_jwt(token)
        return await self._introspect(token)

    def _remaining(self, user: UserContext, limit: float) -> float:
        if user.expires_at is None:
            return limit
        return min(limit, user.expires_at - time.time())

    async def _validate_jwt(self, token: str) -> tuple[UserContext, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise auth_failure("token_malformed") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise auth_failure("algorithm_not_allowed")
        kid = header.get("kid")
        key = await self._issuer.key_for(kid if isinstance(kid, str) else None)
        if key is None:
            raise auth_failure("key_unknown")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._skew,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise _jwt_failure(error) from None
        user = user_context_from_claims(claims, token=token, audience=self.audience)
        return user, self._remaining(user, _JWT_CACHE_SECONDS)

    async def _introspect(self, token: str) -> tuple[UserContext, float]:
        endpoint = (await self._issuer.metadata()).get("introspection_endpoint")
        if not isinstance(endpoint, str):
            raise auth_failure("issuer_unavailable")
        client_id, client_secret = self._client_auth
        assert client_id is not None
        assert client_secret is not None
        try:
            response = await self._http.post(
                endpoint,
                data={"token": token, "token_type_hint": "access_token"},
                auth=(client_id, client_secret),
            )
            answer = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            raise auth_failure("issuer_unavailable") from None
        if not isinstance(answer, dict):
            raise auth_failure("issuer_unavailable")
        if answer.get("active") is not True:
            raise auth_failure("token_inactive")
        now = time.time()
        if "iss" in answer and answer["iss"] != self.issuer:
            raise auth_failure("issuer_mismatch")
        audiences = answer.get("aud")
        if self.audience not in (audiences if isinstance(audiences, list) else [audiences]):
            raise auth_failure("audience_mismatch")
        exp = answer.get("exp")
        if isinstance(exp, (int, float)) and exp <= now - self._skew:
            raise auth_failure("token_expired")
        nbf = answer.get("nbf")
        if isinstance(nbf, (int, float)) and nbf > now + self._skew:
            raise auth_failure("token_not_yet_valid")
        claims = {k: v for k, v in answer.items() if k not in ("active", "token_type")}
        user = user_context_from_claims(claims, token=token, audience=self.audience)
        return user, self._remaining(user, self._introspection_ttl)


def _jwt_failure(error: jwt.PyJWTError) -> SfnError:
    if isinstance(error, jwt.ExpiredSignatureError):
        return auth_failure("token_expired")
    if isinstance(error, jwt.ImmatureSignatureError):
        return auth_failure("token_not_yet_valid")
    if isinstance(error, jwt.InvalidAudienceError):
        return auth_failure("audience_mismatch")
    if isinstance(error, jwt.InvalidIssuerError):
        return auth_failure("issuer_mismatch")
    if isinstance(error, jwt.InvalidSignatureError):
        return auth_failure("signature_invalid")
    if isinstance(error, jwt.InvalidAlgorithmError):
        return auth_failure("algorithm_not_allowed")
    if isinstance(error, (jwt.MissingRequiredClaimError, jwt.InvalidIssuedAtError)):
        return auth_failure("claims_invalid")
    return auth_failure("token_malformed")

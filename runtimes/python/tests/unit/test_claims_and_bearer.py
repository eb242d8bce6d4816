from __future__ import annotations

import pytest

from sfn_runtime.authenticator import auth_failure, strip_bearer, user_context_from_claims
from sfn_runtime.errors import SfnError, SfnSystemError, UnauthorizedError


def test_claim_mapping_defaults() -> None:
    user = user_context_from_claims(
        {
            "sub": "u1",
            "email": "a@b.c",
            "roles": ["user"],
            "realm_access": {"roles": ["user", "admin"]},
            "resource_access": {"urn:sfn:api": {"roles": ["svc"]}, "other": {"roles": ["nope"]}},
            "permissions": ["read"],
            "https://example.com/roles": ["ns"],
            "groups": ["staff"],
            "https://example.com/groups": ["g2"],
            "tid": "acme",
            "azp": "client-1",
            "jti": "j1",
            "exp": 123,
            "scope": "a b",
        },
        token="t",
        audience="urn:sfn:api",
    )
    assert user.user_id == "u1"
    assert user.roles == ["user", "read", "admin", "svc", "ns"]
    assert "nope" not in user.roles
    assert user.groups == ["staff", "g2"]
    assert (user.tenant, user.client_id, user.token_id, user.expires_at) == ("acme", "client-1", "j1", 123)
    assert user.claims is not None
    assert user.claims["scope"] == "a b"
    assert "sub" not in user.claims


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": 5}, {"sub": "x" * 256}])
def test_sub_is_required(claims: dict[str, object]) -> None:
    with pytest.raises(UnauthorizedError) as caught:
        user_context_from_claims(claims, token="t", audience="a")
    assert caught.value.details == {"reason": "claims_invalid"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc"), ("abc", "abc")],
)
def test_strip_bearer(header: str, expected: str) -> None:
    assert strip_bearer(header) == expected


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "token_missing"),
        ("", "token_missing"),
        ("Bearer", "token_missing"),
        ("Basic abc", "token_malformed"),
    ],
)
def test_strip_bearer_failures(header: str | None, reason: str) -> None:
    with pytest.raises(SfnError) as caught:
        strip_bearer(header)
    assert caught.value.details == {"reason": reason}


def test_issuer_unavailable_is_a_retryable_system_error() -> None:
    error = auth_failure("issuer_unavailable")
    assert isinstance(error, SfnSystemError)
    assert error.retryable
    assert error.code == "SFN_UNAUTHENTICATED"

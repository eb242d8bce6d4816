"""Claims → UserContext (protocol P-AUTH-4, docs/authentication.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..generated.wire_types import UserContext
from ._failures import auth_failure

_TENANT: Final = ("tenant", "tenant_id", "tid", "org_id")
_CLIENT: Final = ("client_id", "azp", "cid", "appid")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _first_string(claims: Mapping[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def user_context_from_claims(claims: Mapping[str, Any], *, token: str, audience: str) -> UserContext:
    """Maps validated claims to a UserContext; ``claims_invalid`` when ``sub`` is missing or mistyped."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not 1 <= len(sub) <= 255:
        raise auth_failure("claims_invalid")
    consumed = {"sub", "email", "roles", "permissions", "groups", "realm_access", "jti", "exp"}
    roles = _strings(claims.get("roles")) + _strings(claims.get("permissions"))
    realm = claims.get("realm_access")
    if isinstance(realm, dict):
        roles += _strings(realm.get("roles"))
    resource = claims.get("resource_access")
    if isinstance(resource, dict) and isinstance(resource.get(audience), dict):
        roles += _strings(resource[audience].get("roles"))  # only this service's client roles
    groups = _strings(claims.get("groups"))
    for name, value in claims.items():
        if "/" in name and name.endswith(("/roles", "/permissions")):
            roles += _strings(value)
            consumed.add(name)
        elif "/" in name and name.endswith("/groups"):
            groups += _strings(value)
            consumed.add(name)
    tenant = _first_string(claims, _TENANT)
    client_id = _first_string(claims, _CLIENT)
    email = claims.get("email")
    jti = claims.get("jti")
    exp = claims.get("exp")
    return UserContext(
        groups=_unique(groups),
        roles=_unique(roles),
        user_id=sub,
        claims={name: value for name, value in claims.items() if name not in consumed},
        client_id=client_id,
        email=email if isinstance(email, str) else None,
        expires_at=int(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None,
        tenant=tenant,
        token=token,
        token_id=jti if isinstance(jti, str) else None,
    )

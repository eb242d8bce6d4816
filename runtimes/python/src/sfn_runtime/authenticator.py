"""The authenticator: bearer token → UserContext, by JWKS validation or RFC 7662 introspection."""

from ._auth._authenticator import DEFAULT_ALGORITHMS, Mode, OidcAuthenticator, strip_bearer
from ._auth._claims import user_context_from_claims
from ._auth._failures import auth_failure

__all__ = [
    "DEFAULT_ALGORITHMS",
    "Mode",
    "OidcAuthenticator",
    "auth_failure",
    "strip_bearer",
    "user_context_from_claims",
]

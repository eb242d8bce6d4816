"""AuthFailureReason → typed error (protocol §8.3). Messages are fixed texts; details hold only the reason."""

from __future__ import annotations

from typing import Final

from ..errors import ErrorCodes, SfnError, SfnSystemError, UnauthorizedError

_MESSAGES: Final = {
    "token_missing": "a bearer token is required",
    "token_malformed": "the bearer token is malformed",
    "token_too_large": "the bearer token is too large",
    "token_expired": "the bearer token has expired",
    "token_not_yet_valid": "the bearer token is not valid yet",
    "issuer_mismatch": "the bearer token was issued by another issuer",
    "audience_mismatch": "the bearer token is not meant for this service",
    "algorithm_not_allowed": "the bearer token uses an algorithm that is not allowed",
    "signature_invalid": "the bearer token's signature is invalid",
    "key_unknown": "the bearer token was signed with an unknown key",
    "token_inactive": "the bearer token is not active",
    "claims_invalid": "the bearer token lacks a required claim",
    "issuer_unavailable": "the token issuer is unavailable",
}


def auth_failure(reason: str) -> SfnError:
    """``Unauthorized`` / ``SFN_UNAUTHENTICATED``, or ``SystemError`` (retryable) for issuer_unavailable."""
    message = _MESSAGES[reason]
    if reason == "issuer_unavailable":
        return SfnSystemError(
            message, code=ErrorCodes.UNAUTHENTICATED, details={"reason": reason}, retryable=True
        )
    return UnauthorizedError(message, code=ErrorCodes.UNAUTHENTICATED, details={"reason": reason})

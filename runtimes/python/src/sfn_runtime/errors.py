"""The one exceptions module of sfn: the shared error types and codes of docs/protocol.md §8.

Programs branch on ``type`` and ``code``, never on the message (P-ERR-1). Each class corresponds to one
``ErrorType`` of the wire protocol. ``SfnSystemError`` and ``SfnTimeoutError`` carry an ``Sfn`` prefix
because ``SystemError`` and ``TimeoutError`` are Python builtins; ``errors.SystemError`` and
``errors.TimeoutError`` are kept as aliases (outside ``__all__``, so ``from errors import *`` never
shadows a builtin) to keep the TypeScript names reachable. ``SfnTimeoutError`` also subclasses the
builtin ``TimeoutError``, so ``except TimeoutError`` catches sfn timeouts as it catches asyncio's.
"""

from __future__ import annotations

import builtins
from typing import Any, ClassVar, Final

from .generated.wire_types import AuthFailureReason

__all__ = [
    "AUTH_FAILURE_REASONS",
    "BusinessLogicError",
    "ConflictError",
    "ErrorCodes",
    "ForbiddenError",
    "NotFoundError",
    "SfnError",
    "SfnSystemError",
    "SfnTimeoutError",
    "UnauthorizedError",
    "ValidationError",
    "error_from_info",
    "to_error_info",
]


class ErrorCodes:
    """Codes the platform itself uses on the wire (protocol.md §8.2); applications add their own."""

    ENVELOPE_MALFORMED: Final = "SFN_ENVELOPE_MALFORMED"
    ENVELOPE_INVALID: Final = "SFN_ENVELOPE_INVALID"
    PROTOCOL_UNSUPPORTED: Final = "SFN_PROTOCOL_UNSUPPORTED"
    PAYLOAD_TOO_LARGE: Final = "SFN_PAYLOAD_TOO_LARGE"
    CALL_INVALID: Final = "SFN_CALL_INVALID"
    FUNCTION_NOT_FOUND: Final = "SFN_FUNCTION_NOT_FOUND"
    PARAMETERS_INVALID: Final = "SFN_PARAMETERS_INVALID"
    RESULT_INVALID: Final = "SFN_RESULT_INVALID"
    UNAUTHENTICATED: Final = "SFN_UNAUTHENTICATED"
    FORBIDDEN: Final = "SFN_FORBIDDEN"
    DEADLINE_EXPIRED: Final = "SFN_DEADLINE_EXPIRED"
    TIMEOUT: Final = "SFN_TIMEOUT"
    REPLY_TIMEOUT: Final = "SFN_REPLY_TIMEOUT"
    TRANSFER_INVALID: Final = "SFN_TRANSFER_INVALID"
    INTERNAL: Final = "SFN_INTERNAL"
    TOPIC_INVALID: Final = "SFN_TOPIC_INVALID"
    ABORTED: Final = "SFN_ABORTED"


#: ``AuthFailureReason`` values (the generated enum of schemas/identity/AuthFailureReason.schema.json),
#: found in ``details["reason"]`` of ``SFN_UNAUTHENTICATED``.
AUTH_FAILURE_REASONS: Final = frozenset(reason.value for reason in AuthFailureReason)

_DEFAULT_CODES: Final = {
    "ValidationError": "SFN_VALIDATION",
    "BusinessLogicError": "SFN_BUSINESS_LOGIC",
    "SystemError": "SFN_SYSTEM",
    "TimeoutError": "SFN_TIMEOUT",
    "Unauthorized": "SFN_UNAUTHORIZED",
    "Forbidden": "SFN_FORBIDDEN",
    "NotFound": "SFN_NOT_FOUND",
    "Conflict": "SFN_CONFLICT",
}
_RETRYABLE_BY_DEFAULT: Final = frozenset({"SystemError", "TimeoutError"})
_UNSET: Final[Any] = object()


class SfnError(Exception):
    """Base class of every error the sfn libraries raise; one subclass per wire ``ErrorType``."""

    type: ClassVar[str] = "SystemError"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Any = _UNSET,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self._code = code
        self._details = details
        self._retryable = retryable

    @property
    def code(self) -> str:
        """Stable machine-readable code; defaults to the type's code (P-ERR-6)."""
        return self._code if self._code is not None else _DEFAULT_CODES[self.type]

    @property
    def details(self) -> Any:
        """Structured data about the failure (None when absent); travels on the wire."""
        return None if self._details is _UNSET else self._details

    @property
    def has_details(self) -> bool:
        return self._details is not _UNSET

    @property
    def retryable(self) -> bool:
        """Effective retryability (P-ERR-4): the explicit value, else true for System/Timeout errors."""
        return self._retryable if self._retryable is not None else self.type in _RETRYABLE_BY_DEFAULT

    def to_error_info(self) -> dict[str, Any]:
        """The wire form (``ErrorInfo``) of this error: no traceback, no cause."""
        info: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self._details is not _UNSET:
            info["details"] = self._details
        if self._retryable is not None:
            info["retryable"] = self._retryable
        return info

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type={self.type!r}, code={self.code!r}, message={self.message!r})"


class ValidationError(SfnError):
    """Invalid input: a malformed envelope, parameters failing their schema, a bad argument."""

    type = "ValidationError"


class BusinessLogicError(SfnError):
    """A domain rule was violated; raised by function authors with their own codes."""

    type = "BusinessLogicError"


class SfnSystemError(SfnError):
    """Infrastructure failed (broker, database, issuer); retryable by default. Wire type ``SystemError``."""

    type = "SystemError"


class SfnTimeoutError(SfnError, builtins.TimeoutError):
    """A deadline passed before the operation completed; retryable by default. Wire type ``TimeoutError``."""

    type = "TimeoutError"


class UnauthorizedError(SfnError):
    """No valid identity: missing, malformed, expired or forged token."""

    type = "Unauthorized"


class ForbiddenError(SfnError):
    """The identity is valid but lacks a required role or permission."""

    type = "Forbidden"


class NotFoundError(SfnError):
    """The target (function, document, service) does not exist."""

    type = "NotFound"


class ConflictError(SfnError):
    """The target already exists or changed concurrently."""

    type = "Conflict"


# The TypeScript names, reachable as errors.SystemError / errors.TimeoutError (not exported by `*`).
SystemError = SfnSystemError
TimeoutError = SfnTimeoutError

_CLASS_BY_TYPE: Final[dict[str, type[SfnError]]] = {
    "ValidationError": ValidationError,
    "BusinessLogicError": BusinessLogicError,
    "SystemError": SfnSystemError,
    "TimeoutError": SfnTimeoutError,
    "Unauthorized": UnauthorizedError,
    "Forbidden": ForbiddenError,
    "NotFound": NotFoundError,
    "Conflict": ConflictError,
}


def error_from_info(info: dict[str, Any]) -> SfnError:
    """Rebuilds the typed error from its wire form; an unknown type becomes a SystemError (P-ERR-7)."""
    cls = _CLASS_BY_TYPE.get(str(info.get("type")), SfnSystemError)
    retryable = info.get("retryable")
    return cls(
        str(info.get("message", "")),
        code=str(info["code"]) if isinstance(info.get("code"), str) else None,
        details=info.get("details", _UNSET),
        retryable=retryable if isinstance(retryable, bool) else None,
    )


def to_error_info(error: BaseException) -> dict[str, Any]:
    """The wire form of any exception: non-sfn errors become the opaque ``SFN_INTERNAL`` (P-ERR-3)."""
    if isinstance(error, SfnError):
        return error.to_error_info()
    return {"type": "SystemError", "code": ErrorCodes.INTERNAL, "message": "internal error"}

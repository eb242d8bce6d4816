from __future__ import annotations

import pytest

from sfn_runtime import errors
from sfn_runtime.errors import (
    BusinessLogicError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    SfnError,
    SfnSystemError,
    SfnTimeoutError,
    UnauthorizedError,
    ValidationError,
    error_from_info,
    to_error_info,
)

CASES = [
    (ValidationError, "ValidationError", "SFN_VALIDATION", False),
    (BusinessLogicError, "BusinessLogicError", "SFN_BUSINESS_LOGIC", False),
    (SfnSystemError, "SystemError", "SFN_SYSTEM", True),
    (SfnTimeoutError, "TimeoutError", "SFN_TIMEOUT", True),
    (UnauthorizedError, "Unauthorized", "SFN_UNAUTHORIZED", False),
    (ForbiddenError, "Forbidden", "SFN_FORBIDDEN", False),
    (NotFoundError, "NotFound", "SFN_NOT_FOUND", False),
    (ConflictError, "Conflict", "SFN_CONFLICT", False),
]


@pytest.mark.parametrize(("cls", "wire_type", "default_code", "retryable"), CASES)
def test_defaults_per_type(cls: type[SfnError], wire_type: str, default_code: str, retryable: bool) -> None:
    error = cls("boom")
    assert error.type == wire_type
    assert error.code == default_code
    assert error.retryable is retryable
    assert error.to_error_info() == {"type": wire_type, "code": default_code, "message": "boom"}


@pytest.mark.parametrize(("cls", "wire_type", "default_code", "retryable"), CASES)
def test_round_trip_through_error_info(
    cls: type[SfnError], wire_type: str, default_code: str, retryable: bool
) -> None:
    original = cls("nope", code="EMAIL_TAKEN", details={"email": "a@b.c"}, retryable=not retryable)
    info = original.to_error_info()
    assert info == {
        "type": wire_type,
        "code": "EMAIL_TAKEN",
        "message": "nope",
        "details": {"email": "a@b.c"},
        "retryable": not retryable,
    }
    rebuilt = error_from_info(info)
    assert type(rebuilt) is cls
    assert rebuilt.to_error_info() == info


def test_null_details_survive_the_round_trip() -> None:
    info = {"type": "ValidationError", "code": "X_Y", "message": "m", "details": None}
    assert error_from_info(info).to_error_info() == info


def test_unknown_type_becomes_system_error() -> None:
    error = error_from_info({"type": "Weird", "code": "SOME_CODE", "message": "m"})
    assert isinstance(error, SfnSystemError)
    assert error.code == "SOME_CODE"


def test_foreign_exceptions_are_opaque() -> None:
    assert to_error_info(RuntimeError("password=hunter2")) == {
        "type": "SystemError",
        "code": "SFN_INTERNAL",
        "message": "internal error",
    }


def test_typescript_names_are_aliases_and_timeouts_are_builtin_timeouts() -> None:
    assert errors.SystemError is SfnSystemError
    assert errors.TimeoutError is SfnTimeoutError
    assert "TimeoutError" not in errors.__all__
    with pytest.raises(TimeoutError):
        raise SfnTimeoutError("late", code="SFN_REPLY_TIMEOUT")


def test_one_class_per_generated_error_type() -> None:
    from sfn_runtime.generated.wire_types import ErrorType

    assert {kind for _, kind, _, _ in CASES} == {member.value for member in ErrorType}
    assert {error_from_info({"type": m.value, "code": "X", "message": "m"}).type for m in ErrorType} == {
        m.value for m in ErrorType
    }

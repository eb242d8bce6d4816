"""SQL and driver failures → typed errors (the same mapping as @sfn/datastore's map-error.ts)."""

from __future__ import annotations

import json
from typing import Any

import psycopg

from ..errors import (
    SfnError,
    SfnSystemError,
    SfnTimeoutError,
    error_from_info,
)


def error_from_sql(info: dict[str, Any]) -> SfnError:
    """The ``error`` member of an ``sfn.call`` reply as its typed error: it is the wire ErrorInfo."""
    return error_from_info(info)


def error_from_driver(error: BaseException) -> SfnError:
    """Anything the driver raised; SQL text never reaches the wire."""
    if isinstance(error, SfnError):
        return error
    state = getattr(error, "sqlstate", None)
    diag = getattr(error, "diag", None)
    detail = getattr(diag, "message_detail", None)
    if isinstance(state, str) and state.startswith("SF") and isinstance(detail, str):
        try:
            info = json.loads(detail)
            message = getattr(diag, "message_primary", None) or str(error)
            return error_from_sql({**info, "message": message})
        except ValueError:
            pass
    if state == "57014":
        return SfnTimeoutError("the statement was cancelled by the statement timeout", code="SFN_DB_TIMEOUT")
    if state in ("40001", "40P01"):
        return SfnSystemError(
            "the transaction conflicted with another one; retry it", code="SFN_DB_CONFLICT", retryable=True
        )
    if state in ("3F000", "42883", "42P01"):
        return SfnSystemError(
            "the sfn schema is missing or outdated: run the migrations",
            code="SFN_SCHEMA_MISSING",
            retryable=False,
        )
    if isinstance(error, psycopg.OperationalError):
        return SfnSystemError("the database is unavailable", code="SFN_DB_UNAVAILABLE", retryable=True)
    return SfnSystemError("database operation failed")

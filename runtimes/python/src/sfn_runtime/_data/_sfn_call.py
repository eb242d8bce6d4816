"""The one entry point of the shared SQL: ``SELECT sfn.call(caller, op, args)`` → {ok} | {error}."""

from __future__ import annotations

import json
from typing import Any

from psycopg import AsyncConnection

from ..generated.wire_types import UserContext
from ._audit_replay import AuditAfterRollback
from ._errors import error_from_driver, error_from_sql

SFN_CALL_SQL = "SELECT sfn.call(%s::jsonb, %s::text, %s::jsonb) AS reply"


def caller_context(
    user: UserContext,
    *,
    database: str | None,
    call_id: str | None = None,
    trace_id: str | None = None,
    max_document_bytes: int | None = None,
) -> dict[str, Any]:
    """The first argument of sfn.call: who is calling."""
    context: dict[str, Any] = {"userId": user.user_id, "roles": list(user.roles)}
    optional = {
        "database": database,
        "tokenId": user.token_id,
        "callId": call_id,
        "traceId": trace_id,
        "maxDocumentBytes": max_document_bytes,
    }
    context.update({name: value for name, value in optional.items() if value is not None})
    return context


async def call_sfn(
    conn: AsyncConnection[Any],
    caller: dict[str, Any],
    op: str,
    args: dict[str, Any],
    *,
    audit: AuditAfterRollback | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Runs one operation; returns its ``ok`` member and the whole reply, or raises the typed error.
    ``audit`` notes denials and decisions, to record them again if the transaction rolls back."""
    try:
        cursor = await conn.execute(SFN_CALL_SQL, (json.dumps(caller), op, json.dumps(args)))
        row = await cursor.fetchone()
    except Exception as error:
        raise error_from_driver(error) from error
    reply = row[0] if row is not None else None
    if audit is not None:
        audit.observe(caller, op, args, reply)
    if not isinstance(reply, dict):
        raise error_from_driver(RuntimeError("sfn.call returned no reply"))
    if "error" in reply:
        raise error_from_sql(reply["error"])
    return reply.get("ok"), reply

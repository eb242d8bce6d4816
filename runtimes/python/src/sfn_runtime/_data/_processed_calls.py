"""Exactly-once effects (protocol §6.2): sfn.processed_calls, used inside the call's transaction."""

from __future__ import annotations

import json
from typing import Any, Final

from psycopg import AsyncConnection

#: Takes the call's advisory lock (a concurrent duplicate waits here for the first transaction), then
#: returns the stored reply or NULL with a snapshot taken after the wait (sql/0014), as @sfn/runtime's
#: processed-call-claim.ts does.
CLAIM_SQL: Final = "SELECT sfn.processed_call_claim(%s, %s) AS reply"
#: Records a success reply; false when the call was recorded already (sql/0007).
RECORD_SQL: Final = "SELECT sfn.processed_call_record(%s, %s, %s::jsonb, %s) AS recorded"
#: The record as the last statement before COMMIT, sent with it in one round trip (sql/0015): when the
#: call was recorded already it raises Conflict SFN_CALL_RECORDED, the transaction aborts and the COMMIT
#: queued behind it does not apply, so the function's effects are rolled back, as @sfn/runtime does.
RECORD_STRICT_SQL: Final = "SELECT sfn.processed_call_record_strict(%s, %s, %s::jsonb, %s)"
#: The SQLSTATE of RECORD_STRICT_SQL when the call was recorded already (sfn Conflict; the only
#: Conflict that statement raises).
RECORD_REFUSED: Final = "SF409"


async def claim_processed_call(conn: AsyncConnection[Any], service: str, call_id: str) -> Any:
    """Serialises concurrent deliveries of one call (transaction-scoped advisory lock) and returns the
    stored ReplyBody of an already processed call, or None."""
    cursor = await conn.execute(CLAIM_SQL, (service, call_id))
    row = await cursor.fetchone()
    return None if row is None else row[0]


async def find_processed_call(conn: AsyncConnection[Any], service: str, call_id: str) -> Any:
    """The stored ReplyBody of an already processed call, or None (no lock: see ``claim_processed_call``)."""
    cursor = await conn.execute("SELECT sfn.processed_call_find(%s, %s) AS reply", (service, call_id))
    row = await cursor.fetchone()
    return None if row is None else row[0]


def record_params(service: str, call_id: str, reply: Any, ttl_seconds: int) -> tuple[str, str, str, int]:
    """The parameters of ``RECORD_SQL`` / ``RECORD_STRICT_SQL``."""
    return (service, call_id, json.dumps(reply, separators=(",", ":")), ttl_seconds)


async def record_processed_call(
    conn: AsyncConnection[Any], service: str, call_id: str, reply: Any, ttl_seconds: int
) -> bool:
    """Records a success reply; False when the call was recorded already (roll back your effects)."""
    cursor = await conn.execute(RECORD_SQL, record_params(service, call_id, reply, ttl_seconds))
    row = await cursor.fetchone()
    return row is not None and row[0] is True


async def purge_expired_calls(conn: AsyncConnection[Any], limit: int = 10_000) -> int:
    cursor = await conn.execute("SELECT sfn.processed_calls_purge(%s) AS n", (limit,))
    row = await cursor.fetchone()
    return 0 if row is None else int(row[0])

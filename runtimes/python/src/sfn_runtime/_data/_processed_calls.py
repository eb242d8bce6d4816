"""Exactly-once effects (protocol §6.2): sfn.processed_calls, used inside the call's transaction."""

from __future__ import annotations

import json
from typing import Any

from psycopg import AsyncConnection


async def find_processed_call(conn: AsyncConnection[Any], service: str, call_id: str) -> Any:
    """The stored ReplyBody of an already processed call, or None."""
    cursor = await conn.execute("SELECT sfn.processed_call_find(%s, %s) AS reply", (service, call_id))
    row = await cursor.fetchone()
    return None if row is None else row[0]


async def record_processed_call(
    conn: AsyncConnection[Any], service: str, call_id: str, reply: Any, ttl_seconds: int
) -> bool:
    """Records a success reply; False when the call was recorded already (roll back your effects)."""
    cursor = await conn.execute(
        "SELECT sfn.processed_call_record(%s, %s, %s::jsonb, %s) AS recorded",
        (service, call_id, json.dumps(reply), ttl_seconds),
    )
    row = await cursor.fetchone()
    return row is not None and row[0] is True


async def purge_expired_calls(conn: AsyncConnection[Any], limit: int = 10_000) -> int:
    cursor = await conn.execute("SELECT sfn.processed_calls_purge(%s) AS n", (limit,))
    row = await cursor.fetchone()
    return 0 if row is None else int(row[0])

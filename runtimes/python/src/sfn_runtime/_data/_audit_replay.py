"""Audit rows that must outlive the rollback of their transaction (sql/0012_audit_after_rollback.sql):
every ``sfn.call`` that was denied, and every Authorizer decision. A denied operation writes nothing but
its audit row, in the caller's transaction; when the host rolls the call back (typically because of
that very Forbidden), the row would go with it. After the rollback each one is decided and recorded
again by ``sfn.audit_after_rollback``, as @sfn/datastore's AuditAfterRollback does."""

from __future__ import annotations

import json
from typing import Any, Final

from psycopg import AsyncConnection

_DECISIONS: Final = frozenset({"hasPermission", "hasRole"})
#: A transaction that asks thousands of questions keeps only this many for after a rollback.
_MAX_ENTRIES: Final = 1000


class AuditAfterRollback:
    def __init__(self) -> None:
        self._entries: list[tuple[str, str, str]] = []

    @property
    def pending(self) -> int:
        return len(self._entries)

    def observe(self, caller: dict[str, Any], op: str, args: dict[str, Any], reply: Any) -> None:
        """Called after each ``sfn.call`` of the transaction with its reply."""
        if len(self._entries) >= _MAX_ENTRIES or not isinstance(reply, dict):
            return
        error = reply.get("error")
        denied = isinstance(error, dict) and error.get("type") == "Forbidden"
        if denied or (op in _DECISIONS and error is None):
            standalone = json.dumps({**caller, "standalone": True})
            self._entries.append((standalone, op, json.dumps(args)))

    async def replay(self, conn: AsyncConnection[Any]) -> None:
        """After the rollback, on the same connection, one short transaction each: best effort, never
        raises (the rollback's cause is what the caller must see)."""
        entries, self._entries = self._entries, []
        for caller, op, args in entries:
            try:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT sfn.audit_after_rollback(%s::jsonb, %s::text, %s::jsonb)", (caller, op, args)
                    )
            except Exception:
                continue

"""A call's transaction, opened on first use: a function that never touches the database costs no
round trip. Exactly-once calls open theirs up front (``begin``) for the processed_calls lookup. After a
rollback, the audit rows of the lost transaction's denials and decisions are recorded again."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from psycopg import AsyncConnection

from ._audit_replay import AuditAfterRollback

if TYPE_CHECKING:
    from ._store import PostgresDataStoreFactory


class LazyTransaction:
    """``async with LazyTransaction(factory) as tx``: ``await tx.connection()`` takes a pooled connection
    and begins the transaction the first time; leaving the block commits it, or rolls it back when the
    block raised (cancellation included). Nothing happens when it was never used."""

    def __init__(self, factory: PostgresDataStoreFactory) -> None:
        self._factory = factory
        self._conn: AsyncConnection[Any] | None = None
        self._pooled: AbstractAsyncContextManager[AsyncConnection[Any]] | None = None
        self._transaction: AbstractAsyncContextManager[Any] | None = None
        self._lock = asyncio.Lock()
        self.audit = AuditAfterRollback()

    @property
    def opened(self) -> bool:
        return self._conn is not None

    async def connection(self) -> AsyncConnection[Any]:
        async with self._lock:
            if self._conn is None:
                pooled = self._factory.connection()
                conn = await pooled.__aenter__()
                transaction = conn.transaction()
                try:
                    await transaction.__aenter__()
                except BaseException as error:
                    await pooled.__aexit__(type(error), error, error.__traceback__)
                    raise
                self._pooled, self._transaction, self._conn = pooled, transaction, conn
            return self._conn

    begin = connection

    async def __aenter__(self) -> LazyTransaction:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        conn, pooled, transaction = self._conn, self._pooled, self._transaction
        if conn is None or pooled is None or transaction is None:
            return
        self._conn = self._pooled = self._transaction = None
        try:
            await transaction.__aexit__(*exc)  # COMMIT, or ROLLBACK when the block raised
        except BaseException as error:  # the commit failed: the transaction is lost as well
            await self.audit.replay(conn)
            await pooled.__aexit__(type(error), error, error.__traceback__)
            raise
        if exc[0] is not None:
            await self.audit.replay(conn)
        await pooled.__aexit__(*exc)

"""A call's transaction, opened on first use: a function that never touches the database costs no
round trip. Exactly-once calls open theirs up front with their first statement (``begin_with``: BEGIN and
the processed_calls claim in one round trip) and end it with their last (``commit_with``: the record and
COMMIT in one round trip). After a rollback, the audit rows of the lost transaction's denials and
decisions are recorded again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.pq import TransactionStatus

from ._audit_replay import AuditAfterRollback

if TYPE_CHECKING:
    from ._store import PostgresDataStoreFactory

_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


class LazyTransaction:
    """``async with LazyTransaction(factory) as tx``: ``await tx.connection()`` takes a pooled connection
    and begins the transaction the first time; leaving the block commits it, or rolls it back when the
    block raised (cancellation included). Nothing happens when it was never used.

    ``begin_with`` / ``commit_with`` send BEGIN and COMMIT in the same message as the first and the last
    statement: one simple-protocol query of two statements each, parameters bound client-side by
    psycopg's ``AsyncClientCursor`` (psycopg's pipeline mode would do it with bound parameters, but its
    asyncio loop sends each command on its own and cost more CPU per call than the round trips it
    saved). For that the connection is in autocommit mode while the transaction is open, so that
    psycopg adds no BEGIN of its own; every statement of the function runs inside the explicit BEGIN."""

    def __init__(self, factory: PostgresDataStoreFactory) -> None:
        self._factory = factory
        self._conn: AsyncConnection[Any] | None = None
        self._pooled: AbstractAsyncContextManager[AsyncConnection[Any]] | None = None
        #: psycopg's transaction block, or None for one begun by ``begin_with``
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

    async def begin_with(self, query: str, params: Sequence[Any]) -> Any:
        """Begins the transaction with ``query`` (one statement, ``%s`` placeholders) as its first
        statement, in one round trip with BEGIN; returns the first column of its first row (None
        without rows)."""
        async with self._lock:
            if self._conn is not None:
                raise RuntimeError("the transaction has begun already")
            pooled = self._factory.connection()
            conn = await pooled.__aenter__()
            try:
                await conn.set_autocommit(True)  # the BEGIN is ours
                cursor = AsyncClientCursor(conn)
                await cursor.execute(f"BEGIN; {query}", params)
                cursor.nextset()
                row = await cursor.fetchone()
            except BaseException as error:
                await self._release(conn, pooled, error)
                raise
            self._pooled, self._transaction, self._conn = pooled, None, conn
            return None if row is None else row[0]

    async def commit_with(self, query: str, params: Sequence[Any], *, refusal: str | None = None) -> bool:
        """Runs ``query`` as the transaction's last statement and commits, in one round trip; True then.
        When the statement fails the COMMIT behind it does not run: the transaction is rolled back (the
        audit rows replayed) and the error raised, or False returned when its SQLSTATE is ``refusal``.
        Leaving the block afterwards does nothing."""
        async with self._lock:
            conn, pooled, transaction = self._conn, self._pooled, self._transaction
            if conn is None or pooled is None or transaction is not None:
                raise RuntimeError("no transaction begun by begin_with")
            self._conn = self._pooled = None
            try:
                await AsyncClientCursor(conn).execute(f"{query}; COMMIT", params)
            except psycopg.Error as error:
                if refusal is not None and error.sqlstate == refusal:
                    await self._release(conn, pooled, None, rolled_back=True)
                    return False
                await self._release(conn, pooled, error)
                raise
            except BaseException as error:
                await self._release(conn, pooled, error)
                raise
            await self._release(conn, pooled, None)
            return True

    async def _release(
        self,
        conn: AsyncConnection[Any],
        pooled: AbstractAsyncContextManager[Any],
        error: BaseException | None,
        *,
        rolled_back: bool = False,
    ) -> None:
        """Ends a ``begin_with`` transaction that is still open (ROLLBACK after ``error`` or a failed
        statement, COMMIT otherwise), leaves autocommit mode and returns the connection to the pool,
        which turns a driver error into a typed one. Raises a failed COMMIT when there is no ``error``."""
        end_error: BaseException | None = None
        try:
            status = conn.pgconn.transaction_status
            if status in _OPEN:
                failed = error is not None or rolled_back or status == TransactionStatus.INERROR
                rolled_back = rolled_back or failed
                await conn.execute(b"ROLLBACK" if failed else b"COMMIT")
        except BaseException as caught:  # a failed COMMIT: the transaction is lost as well
            end_error, rolled_back = caught, True
        if rolled_back or error is not None:
            await self.audit.replay(conn)
        try:
            await conn.set_autocommit(False)
        except Exception:  # still in a transaction (a broken connection): never back to the pool as is
            with contextlib.suppress(Exception):
                await conn.close()
        raised = error if error is not None else end_error
        if raised is not None:
            await pooled.__aexit__(type(raised), raised, raised.__traceback__)
        else:
            await pooled.__aexit__(None, None, None)
        if end_error is not None and (error is None or not isinstance(end_error, Exception)):
            raise end_error

    async def __aenter__(self) -> LazyTransaction:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        conn, pooled, transaction = self._conn, self._pooled, self._transaction
        if conn is None or pooled is None:
            return
        self._conn = self._pooled = self._transaction = None
        if transaction is None:  # begun by begin_with
            error = exc[1] if isinstance(exc[1], BaseException) else None
            await self._release(conn, pooled, error)
            return
        try:
            await transaction.__aexit__(*exc)  # COMMIT, or ROLLBACK when the block raised
        except BaseException as error:  # the commit failed: the transaction is lost as well
            await self.audit.replay(conn)
            await pooled.__aexit__(type(error), error, error.__traceback__)
            raise
        if exc[0] is not None:
            await self.audit.replay(conn)
        await pooled.__aexit__(*exc)

"""A call's transaction, opened on first use: a function that never touches the database costs no
round trip (exactly-once functions open theirs up front, for the processed_calls lookup)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

from psycopg import AsyncConnection

if TYPE_CHECKING:
    from ._store import PostgresDataStoreFactory


class LazyTransaction:
    """``async with LazyTransaction(factory) as tx``: ``await tx.connection()`` takes a pooled connection
    and begins the transaction the first time; leaving the block commits it, or rolls it back when the
    block raised (cancellation included). Nothing happens when it was never used."""

    def __init__(self, factory: PostgresDataStoreFactory) -> None:
        self._factory = factory
        self._stack = AsyncExitStack()
        self._conn: AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()

    @property
    def opened(self) -> bool:
        return self._conn is not None

    async def connection(self) -> AsyncConnection[Any]:
        async with self._lock:
            if self._conn is None:
                conn = await self._stack.enter_async_context(self._factory.connection())
                await self._stack.enter_async_context(conn.transaction())
                self._conn = conn
            return self._conn

    async def __aenter__(self) -> LazyTransaction:
        return self

    async def __aexit__(self, *exc: Any) -> bool:
        return bool(await self._stack.__aexit__(*exc))

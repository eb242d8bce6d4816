"""DataStore and Authorizer as thin clients of sfn.call, over a psycopg 3 async pool."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from ..generated.wire_types import Document, Query, QueryResult, UserContext
from ._errors import error_from_driver
from ._lazy import LazyTransaction
from ._sfn_call import call_sfn, caller_context


def _query_dict(query: Query | Mapping[str, Any]) -> dict[str, Any]:
    return query.to_dict() if isinstance(query, Query) else dict(query)


class PostgresDataStoreFactory:
    """Creates DataStores and Authorizers bound to a caller, sharing one connection pool.

    ``async with PostgresDataStoreFactory(conninfo, database="app") as factory: ...``
    """

    def __init__(
        self,
        conninfo: str,
        *,
        database: str | None = None,
        min_size: int = 1,
        max_size: int = 10,
        max_document_bytes: int | None = None,
    ) -> None:
        self.database = database
        self.max_document_bytes = max_document_bytes
        self.pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, open=False
        )

    async def __aenter__(self) -> PostgresDataStoreFactory:
        await self.open()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def open(self) -> None:
        try:
            await self.pool.open(wait=True, timeout=10)
        except Exception as error:
            raise error_from_driver(error) from error

    async def close(self) -> None:
        await self.pool.close()

    def create_data_store(
        self,
        user: UserContext,
        *,
        call_id: str | None = None,
        transaction: AsyncConnection[Any] | LazyTransaction | None = None,
    ) -> PostgresDataStore:
        """A DataStore bound to ``user``; with ``transaction`` every operation joins that connection's
        transaction (the host uses this for exactly-once effects), or a ``LazyTransaction`` that
        begins on the first operation."""
        return PostgresDataStore(self, user, call_id=call_id, transaction=transaction)

    def create_authorizer(
        self,
        user: UserContext,
        *,
        call_id: str | None = None,
        transaction: AsyncConnection[Any] | LazyTransaction | None = None,
    ) -> PostgresAuthorizer:
        return PostgresAuthorizer(self, user, call_id=call_id, transaction=transaction)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A pooled connection in a transaction (committed when the block ends without error).
        Driver and pool failures become typed errors; what the block itself raises passes unchanged."""
        try:
            async with self.pool.connection() as conn:
                yield conn
        except (psycopg.Error, PoolTimeout) as error:
            raise error_from_driver(error) from error


class _Bound:
    def __init__(
        self,
        factory: PostgresDataStoreFactory,
        user: UserContext,
        *,
        call_id: str | None,
        transaction: AsyncConnection[Any] | LazyTransaction | None = None,
    ) -> None:
        self._factory = factory
        self._transaction = transaction
        self._caller = caller_context(
            user, database=factory.database, call_id=call_id, max_document_bytes=factory.max_document_bytes
        )

    @property
    def database(self) -> str | None:
        """The sfn database this client works in (SFN_DATABASE)."""
        return self._factory.database

    async def _call(self, op: str, args: dict[str, Any]) -> Any:
        if isinstance(self._transaction, LazyTransaction):
            conn = await self._transaction.connection()
            ok, _ = await call_sfn(conn, self._caller, op, args, audit=self._transaction.audit)
            return ok
        if self._transaction is not None:
            ok, _ = await call_sfn(self._transaction, self._caller, op, args)
            return ok
        async with self._factory.connection() as conn:
            ok, _ = await call_sfn(conn, self._caller, op, args)
            return ok


class PostgresDataStore(_Bound):
    """Implements the generated ``DataStore`` protocol: the SQL checks permissions, applies RLS and audits."""

    async def insert(self, collection: str, document: Mapping[str, Any]) -> str:
        (new_id,) = await self.insert_many(collection, [document])
        return new_id

    async def insert_many(self, collection: str, documents: Sequence[Mapping[str, Any]]) -> list[str]:
        ids = await self._call(
            "insert", {"collection": collection, "documents": [dict(d) for d in documents]}
        )
        return [str(i) for i in ids]

    async def update(
        self,
        collection: str,
        query: Query | Mapping[str, Any],
        document: Mapping[str, Any],
        *,
        mode: str = "merge",
    ) -> int:
        args = {
            "collection": collection,
            "query": _query_dict(query),
            "document": dict(document),
            "mode": mode,
        }
        return int(await self._call("update", args))

    async def delete(self, collection: str, query: Query | Mapping[str, Any]) -> int:
        return int(await self._call("delete", {"collection": collection, "query": _query_dict(query)}))

    async def query(
        self, collection: str, query: Query | Mapping[str, Any], page: int, page_size: int
    ) -> QueryResult:
        args = {"collection": collection, "query": _query_dict(query), "page": page, "pageSize": page_size}
        return QueryResult.from_dict(await self._call("query", args))

    async def get_by_id(self, collection: str, id: str) -> Document | None:
        found = await self._call("getById", {"collection": collection, "id": id})
        return None if found is None else Document.from_dict(found)


class PostgresAuthorizer(_Bound):
    """Implements the generated ``Authorizer`` protocol through sfn.call."""

    async def _change(self, op: str, args: dict[str, Any], collection: str | None) -> bool:
        if collection is not None:
            args["collection"] = collection
        return bool(await self._call(op, args))

    async def assign_role_to_user(
        self, user: str, role: str, database: str, collection: str | None = None
    ) -> bool:
        return await self._change(
            "assignRoleToUser", {"user": user, "role": role, "database": database}, collection
        )

    async def remove_role_from_user(
        self, user: str, role: str, database: str, collection: str | None = None
    ) -> bool:
        args = {"user": user, "role": role, "database": database}
        return await self._change("removeRoleFromUser", args, collection)

    async def has_role(self, user: str, role: str, database: str, collection: str | None = None) -> bool:
        return await self._change("hasRole", {"user": user, "role": role, "database": database}, collection)

    async def assign_permissions_to_user(
        self, user: str, permissions: Sequence[str], database: str, collection: str | None = None
    ) -> bool:
        args = {"user": user, "permissions": list(permissions), "database": database}
        return await self._change("assignPermissionsToUser", args, collection)

    async def remove_permissions_from_user(
        self, user: str, permissions: Sequence[str], database: str, collection: str | None = None
    ) -> bool:
        args = {"user": user, "permissions": list(permissions), "database": database}
        return await self._change("removePermissionsFromUser", args, collection)

    async def grant_permissions_to_role(
        self, role: str, permissions: Sequence[str], database: str, collection: str | None = None
    ) -> bool:
        """Grants permissions to everyone holding ``role`` (needs admin on the database)."""
        args = {"role": role, "permissions": list(permissions), "database": database}
        return await self._change("grantPermissionsToRole", args, collection)

    async def revoke_permissions_from_role(
        self, role: str, permissions: Sequence[str], database: str, collection: str | None = None
    ) -> bool:
        args = {"role": role, "permissions": list(permissions), "database": database}
        return await self._change("revokePermissionsFromRole", args, collection)

    async def has_permission(
        self, user: str, permission: str, database: str, collection: str | None = None
    ) -> bool:
        args = {"user": user, "permission": permission, "database": database}
        return await self._change("hasPermission", args, collection)

"""DataStore/Authorizer through sfn.call on the fixture's PostgreSQL, in a database of this test run."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import pytest_asyncio

from sfn_runtime.datastore import (
    LazyTransaction,
    PostgresDataStore,
    PostgresDataStoreFactory,
    find_processed_call,
    load_migrations,
    migrate,
    record_processed_call,
)
from sfn_runtime.errors import ForbiddenError, ValidationError
from sfn_runtime.generated.wire_types import UserContext

from .conftest import DATABASE_URL

ALICE = UserContext(groups=[], roles=[], user_id="alice")
BOB = UserContext(groups=[], roles=[], user_id="bob")
pytestmark = pytest.mark.asyncio(loop_scope="module")
MALLORY = UserContext(groups=[], roles=[], user_id="mallory")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def conninfo() -> AsyncIterator[str]:
    """A fresh database sfn_py_test_<random> with the shared migrations applied (dropped afterwards)."""
    name = f"sfn_py_test_{secrets.token_hex(6)}"
    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(DATABASE_URL, name)
    try:
        result = await migrate(url)
        assert result.applied == [m.version for m in load_migrations()]
        assert (await migrate(url)).applied == []  # idempotent
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            for user in ("alice", "bob"):
                for permission in ("read:own", "write:own", "delete:own"):
                    await conn.execute(
                        "INSERT INTO sfn.user_permissions"
                        " (database, collection, user_id, permission, granted_by)"
                        " VALUES ('app', '', %s, %s, 'pytest')",
                        (user, permission),
                    )
        yield url
    finally:
        async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture(loop_scope="module")
async def factory(conninfo: str) -> AsyncIterator[PostgresDataStoreFactory]:
    async with PostgresDataStoreFactory(conninfo, database="app") as factory:
        yield factory


async def test_row_level_security_between_alice_and_bob(factory: PostgresDataStoreFactory) -> None:
    alice = factory.create_data_store(ALICE)
    bob = factory.create_data_store(BOB)
    alice_id = await alice.insert("notes", {"text": "alice's", "n": 1})
    await bob.insert_many("notes", [{"text": "bob's", "n": 2}, {"text": "bob's too", "n": 3}])

    mine = await alice.query("notes", {}, 1, 10)
    assert [item.to_dict()["text"] for item in mine.items] == ["alice's"]
    assert mine.total == 1
    theirs = await bob.query("notes", {"filter": {"n": {"$gte": 1}}, "sort": [{"field": "n"}]}, 1, 10)
    assert theirs.total == 2
    assert await bob.get_by_id("notes", alice_id) is None
    found = await alice.get_by_id("notes", alice_id)
    assert found is not None
    assert found.owner == "alice"
    assert await bob.delete("notes", {"filter": {"id": alice_id}}) == 0
    assert await alice.update("notes", {"filter": {"id": alice_id}}, {"text": "edited"}) == 1


async def test_no_permission_is_forbidden(factory: PostgresDataStoreFactory) -> None:
    with pytest.raises(ForbiddenError) as caught:
        await factory.create_data_store(MALLORY).insert("notes", {"text": "x"})
    assert caught.value.code.startswith("SFN_")


async def test_invalid_paging_is_a_validation_error(factory: PostgresDataStoreFactory) -> None:
    with pytest.raises(ValidationError) as caught:
        await factory.create_data_store(ALICE).query("notes", {}, 0, 10)
    assert caught.value.code == "SFN_PAGE_INVALID"


async def test_authorizer_questions(factory: PostgresDataStoreFactory) -> None:
    authorizer = factory.create_authorizer(ALICE)
    assert await authorizer.has_permission("alice", "read:own", "app")
    assert not await authorizer.has_permission("alice", "admin", "app")
    with pytest.raises(ForbiddenError):
        await authorizer.assign_role_to_user("bob", "editor", "app")


async def test_lazy_transaction_commits_rolls_back_or_never_begins(
    factory: PostgresDataStoreFactory,
) -> None:
    marker = secrets.token_hex(4)
    async with LazyTransaction(factory) as unused:
        assert not unused.opened  # no connection taken, nothing sent
    async with LazyTransaction(factory) as committed:
        await factory.create_data_store(ALICE, transaction=committed).insert("lazy", {"m": marker, "k": 1})
        assert committed.opened

    async def write_then_fail() -> None:
        async with LazyTransaction(factory) as rolled_back:
            await factory.create_data_store(ALICE, transaction=rolled_back).insert(
                "lazy", {"m": marker, "k": 2}
            )
            raise RuntimeError("the function failed after its write")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    seen = await factory.create_data_store(ALICE).query("lazy", {"filter": {"m": marker}}, 1, 10)
    assert [item.to_dict()["k"] for item in seen.items] == [1]


async def test_processed_calls_record_once(factory: PostgresDataStoreFactory) -> None:
    call_id = secrets.token_urlsafe(16)
    reply = {"status": "success", "result": {"n": 1}}
    async with factory.connection() as conn:
        assert await find_processed_call(conn, "Svc", call_id) is None
        assert await record_processed_call(conn, "Svc", call_id, reply, 60)
    async with factory.connection() as conn:
        assert await find_processed_call(conn, "Svc", call_id) == reply
        assert not await record_processed_call(conn, "Svc", call_id, reply, 60)


NOTES_CONTRACT = {
    "service": "PyNotes",
    "schemaVersion": "1.0.0",
    "functions": {"addNote": {"input": "Note", "output": "Id"}},
    "definitions": {
        "Note": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
        "Id": {"type": "string"},
    },
}
EXECUTIONS: list[str] = []


async def test_host_effects_are_exactly_once_per_call_id(
    factory: PostgresDataStoreFactory, conninfo: str
) -> None:
    """P-DEDUP-1..4: a retry with the same callId is answered from sfn.processed_calls, not re-executed."""
    from datetime import timedelta

    from sfn_runtime.authenticator import OidcAuthenticator
    from sfn_runtime.host import ServiceHost, function, service
    from sfn_runtime.messaging import MessagingClient
    from sfn_runtime.wire import new_call_id

    from ._tokens import mint_token
    from .conftest import MQTT_URL, OIDC_AUDIENCE, OIDC_ISSUER

    token = await mint_token("alice")
    alice_id = jwt_sub(token)
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute(
            "INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)"
            " VALUES ('app', '', %s, 'write:own', 'pytest'), ('app', '', %s, 'read:own', 'pytest')",
            (alice_id, alice_id),
        )

    @service("PyNotes")
    class PyNotes:
        def __init__(self, data_store: PostgresDataStore) -> None:
            self.data_store = data_store

        @function("addNote")
        async def add_note(self, parameters: dict[str, str]) -> str:
            EXECUTIONS.append(parameters["text"])
            return await self.data_store.insert("dedup", parameters)

    prefix = f"pytest-{secrets.token_hex(6)}"
    async with (
        OidcAuthenticator(OIDC_ISSUER, audience=OIDC_AUDIENCE) as authenticator,
        ServiceHost(
            PyNotes,
            NOTES_CONTRACT,
            mqtt_url=MQTT_URL,
            authenticator=authenticator,
            data_stores=factory,
            prefix=prefix,
            replica_id=secrets.token_hex(4),
            connections=1,
        ) as host,
        MessagingClient(MQTT_URL, prefix=prefix) as caller,
    ):
        call_id = new_call_id()
        headers = {"authorization": f"Bearer {token}"}
        first = await caller.call(
            "PyNotes",
            "addNote",
            {"text": "once"},
            headers=headers,
            call_id=call_id,
            timeout=timedelta(seconds=5),
        )
        again = await caller.call(
            "PyNotes",
            "addNote",
            {"text": "once"},
            headers=headers,
            call_id=call_id,
            timeout=timedelta(seconds=5),
        )
        assert first == again
        assert EXECUTIONS == ["once"]
        assert host.metrics.duplicates == 1
        user = UserContext(groups=[], roles=[], user_id=alice_id)
        assert (await factory.create_data_store(user).query("dedup", {}, 1, 10)).total == 1
        await host.stop(leave=True)


def jwt_sub(token: str) -> str:
    import jwt

    return str(jwt.decode(token, options={"verify_signature": False})["sub"])

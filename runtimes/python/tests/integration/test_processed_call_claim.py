"""The exactly-once transaction of the host (sql/0007, sql/0014) in one round trip at each end:
``LazyTransaction.begin_with`` (BEGIN + processed_call_claim) and ``commit_with`` (record + COMMIT)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from sfn_runtime.datastore import (
    CLAIM_SQL,
    RECORD_REFUSED,
    RECORD_STRICT_SQL,
    LazyTransaction,
    PostgresDataStoreFactory,
    find_processed_call,
    record_params,
)
from sfn_runtime.errors import SfnError
from sfn_runtime.generated.wire_types import UserContext

from ._launch import Database

pytestmark = pytest.mark.asyncio(loop_scope="module")
ALICE = UserContext(groups=[], roles=[], user_id="alice")
REPLY = {"status": "success", "result": {"text": "it's 100% 'quoted' \\ text"}}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def factory() -> AsyncIterator[PostgresDataStoreFactory]:
    database = await Database.create()
    try:
        await database.grant_user("app", "alice", "read:own")
        await database.grant_user("app", "alice", "write:own")
        async with PostgresDataStoreFactory(database.url, database="app", min_size=1, max_size=2) as opened:
            yield opened
    finally:
        await database.drop()


async def _notes(factory: PostgresDataStoreFactory, marker: str) -> list[int]:
    seen = await factory.create_data_store(ALICE).query("claims", {"filter": {"m": marker}}, 1, 10)
    return sorted(item.to_dict()["k"] for item in seen.items)


async def _autocommit_flags(factory: PostgresDataStoreFactory) -> set[bool]:
    """The autocommit mode of every idle pooled connection (all of them, max_size=2)."""
    async with factory.pool.connection() as first, factory.pool.connection() as second:
        return {first.autocommit, second.autocommit}


async def test_claim_and_record_commit_the_effects_with_the_reply(factory: PostgresDataStoreFactory) -> None:
    call_id, marker = secrets.token_urlsafe(16), secrets.token_hex(4)
    async with LazyTransaction(factory) as transaction:
        assert await transaction.begin_with(CLAIM_SQL, ("Svc", call_id)) is None
        await factory.create_data_store(ALICE, transaction=transaction).insert(
            "claims", {"m": marker, "k": 1}
        )
        assert await transaction.commit_with(
            RECORD_STRICT_SQL, record_params("Svc", call_id, REPLY, 60), refusal=RECORD_REFUSED
        )
        assert not transaction.opened
    assert await _notes(factory, marker) == [1]
    async with factory.connection() as conn:
        assert await find_processed_call(conn, "Svc", call_id) == REPLY  # quotes and % bound client-side
    async with LazyTransaction(factory) as again:  # a redelivery finds the stored reply
        assert await again.begin_with(CLAIM_SQL, ("Svc", call_id)) == REPLY
    assert await _autocommit_flags(factory) == {False}  # back in the pool as it came


async def test_a_refused_record_rolls_the_effects_back(factory: PostgresDataStoreFactory) -> None:
    recorded, other, marker = secrets.token_urlsafe(16), secrets.token_urlsafe(16), secrets.token_hex(4)
    async with LazyTransaction(factory) as first:
        await first.begin_with(CLAIM_SQL, ("Svc", recorded))
        assert await first.commit_with(
            RECORD_STRICT_SQL, record_params("Svc", recorded, REPLY, 60), refusal=RECORD_REFUSED
        )
    async with LazyTransaction(factory) as second:
        await second.begin_with(CLAIM_SQL, ("Svc", other))
        await factory.create_data_store(ALICE, transaction=second).insert("claims", {"m": marker, "k": 2})
        # the record of a call recorded already refuses (Conflict SFN_CALL_RECORDED, SQLSTATE SF409):
        # the COMMIT behind it never runs
        assert not await second.commit_with(
            RECORD_STRICT_SQL, record_params("Svc", recorded, REPLY, 60), refusal=RECORD_REFUSED
        )
    assert await _notes(factory, marker) == []
    assert await _autocommit_flags(factory) == {False}


async def test_a_failing_last_statement_raises_typed_and_rolls_back(
    factory: PostgresDataStoreFactory,
) -> None:
    call_id, marker = secrets.token_urlsafe(16), secrets.token_hex(4)

    async def write_then_fail_to_record() -> None:
        async with LazyTransaction(factory) as transaction:
            await transaction.begin_with(CLAIM_SQL, ("Svc", call_id))
            await factory.create_data_store(ALICE, transaction=transaction).insert(
                "claims", {"m": marker, "k": 3}
            )
            # a ttl of 0 is refused by processed_call_record itself (SFN_ARGUMENTS_INVALID)
            await transaction.commit_with(
                RECORD_STRICT_SQL, record_params("Svc", call_id, REPLY, 0), refusal=RECORD_REFUSED
            )

    with pytest.raises(SfnError):
        await write_then_fail_to_record()
    assert await _notes(factory, marker) == []
    async with factory.connection() as conn:
        assert await find_processed_call(conn, "Svc", call_id) is None
    assert await _autocommit_flags(factory) == {False}


async def test_the_block_raising_after_the_claim_rolls_back(factory: PostgresDataStoreFactory) -> None:
    call_id, marker = secrets.token_urlsafe(16), secrets.token_hex(4)

    async def write_then_fail() -> None:
        async with LazyTransaction(factory) as transaction:
            await transaction.begin_with(CLAIM_SQL, ("Svc", call_id))
            await factory.create_data_store(ALICE, transaction=transaction).insert(
                "claims", {"m": marker, "k": 4}
            )
            raise RuntimeError("the function failed after its write")

    with pytest.raises(RuntimeError):
        await write_then_fail()
    assert await _notes(factory, marker) == []
    assert await _autocommit_flags(factory) == {False}


async def test_a_concurrent_delivery_waits_for_the_first_and_sees_its_reply(
    factory: PostgresDataStoreFactory,
) -> None:
    """P-DEDUP-3: the claim's advisory lock holds a second delivery until the first committed."""
    call_id = secrets.token_urlsafe(16)
    async with LazyTransaction(factory) as first:
        assert await first.begin_with(CLAIM_SQL, ("Svc", call_id)) is None

        async def second_delivery() -> object:
            async with LazyTransaction(factory) as second:
                return await second.begin_with(CLAIM_SQL, ("Svc", call_id))

        waiting = asyncio.ensure_future(second_delivery())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # blocked on the lock
        assert await first.commit_with(
            RECORD_STRICT_SQL, record_params("Svc", call_id, REPLY, 60), refusal=RECORD_REFUSED
        )
    assert await asyncio.wait_for(waiting, 5) == REPLY

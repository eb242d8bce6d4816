"""The Python conformance service (runtimes/python/conformance/service.py), launched from
conformance/runtimes/python.json as the runner launches it, checked against the expectations of the
cases in conformance/cases/** (case ids in the test names). Proof until `sfn conformance --lang python`
runs them all."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from sfn_runtime.errors import SfnError
from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import TransferAssembler, new_call_id

from ._caller import Caller
from ._launch import FIXTURE_USERS, Database, LaunchedService
from .conftest import MQTT_URL

pytestmark = pytest.mark.asyncio(loop_scope="module")
USER_GRANTS = ["read:own", "write:own", "delete:own"]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def database() -> AsyncIterator[Database]:
    db = await Database.create()
    try:
        await db.grant_role("conformance", "user", USER_GRANTS)
        yield db
    finally:
        await db.drop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(database: Database) -> AsyncIterator[LaunchedService]:
    launched = LaunchedService(prefix=f"pyconf-{secrets.token_hex(4)}", database_url=database.url)
    await launched.build()
    await launched.start()
    try:
        yield launched
    finally:
        assert await launched.stop() == 0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def caller(service: LaunchedService) -> AsyncIterator[Caller]:
    async with (
        MessagingClient(MQTT_URL, prefix=service.prefix) as client,
        MessagingClient(MQTT_URL, prefix=service.prefix) as observer,
    ):
        yield Caller(client, observer, service.prefix)


def _error(error: SfnError) -> tuple[str, str]:
    return error.type, error.code


async def test_runtime_call_echo_and_add(caller: Caller) -> None:
    value = {"s": "x", "n": 1.5, "b": True, "z": None, "a": [1, "two", {"three": 3}]}
    assert await caller.call("echo", {"value": value}) == {"value": value}
    big = [9007199254740991, -9007199254740991, "9007199254740993"]
    assert await caller.call("echo", {"value": big}) == {"value": big}
    assert await caller.call("add", {"a": 1000000, "b": -1000000}) == {"sum": 0}
    invalid = await caller.error("add", {"a": "one", "b": 2000000, "c": 1})
    assert _error(invalid) == ("ValidationError", "SFN_PARAMETERS_INVALID")
    paths = {(v["path"], v["keyword"]) for v in invalid.details["violations"]}
    assert {("/body/parameters/a", "type"), ("/body/parameters/b", "maximum")} <= paths


async def test_reply_envelope_headers_and_trace(caller: Caller) -> None:
    """runtime.reply.traceparent-same-trace, runtime.call.echo-success (envelope part)."""
    replies = await caller.capture("reply/#")
    trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await caller.call("echo", {"value": 1}, headers={"traceparent": trace})
    reply = await asyncio.wait_for(replies.get(), 5)
    assert reply.reply_to is None
    assert "authorization" not in reply.headers
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.headers["traceparent"].startswith("00-4bf92f3577b34da6a3ce929d0e0e4736-")


async def test_auth_public_whoami_and_identity(caller: Caller) -> None:
    """auth.public.token-optional, auth.token.missing, auth.whoami.claims-mapped / each-call-own-identity."""
    assert await caller.call("publicEcho", {"value": "anon"}, as_user=None) == {"value": "anon"}
    missing = await caller.error("echo", {"value": 1}, as_user=None)
    assert _error(missing) == ("Unauthorized", "SFN_UNAUTHENTICATED")
    assert missing.details == {"reason": "token_missing"}
    alice = await caller.call("whoami", {})
    assert alice["userId"] == FIXTURE_USERS["alice"]
    assert alice["email"] == "alice@example.test"
    assert "user" in alice["roles"]
    assert alice["groups"] == ["staff"]
    assert alice["tenant"] == "acme"
    assert isinstance(alice["expiresAt"], int)
    assert alice["hasToken"] is True
    bob = await caller.call("whoami", {}, as_user="bob")
    assert (bob["userId"], bob["groups"]) == (FIXTURE_USERS["bob"], [])


async def test_datastore_crud_rls_and_audit(caller: Caller, database: Database) -> None:
    """datastore.crud.create-get-update-delete, datastore.rls.owner-policy-hides-others,
    datastore.audit.write-row, authz.datastore.no-permission-forbidden, and the denial's audit row."""
    collection = f"notes_{secrets.token_hex(3)}"
    created = await caller.call("createDoc", {"collection": collection, "data": {"title": "t", "body": "b"}})
    assert created["owner"] == FIXTURE_USERS["alice"]
    assert (created["title"], created["body"]) == ("t", "b")
    doc_ref = {"collection": collection, "id": created["id"]}
    assert (await caller.call("getDoc", doc_ref))["title"] == "t"
    bob_sees = await caller.error("getDoc", doc_ref, as_user="bob")
    assert _error(bob_sees) == ("NotFound", "SFN_NOT_FOUND")
    assert (await caller.call("queryDocs", {"collection": collection}, as_user="bob"))["total"] == 0
    updated = await caller.call("updateDoc", {**doc_ref, "data": {"title": "t2"}, "mode": "merge"})
    assert (updated["title"], updated["body"]) == ("t2", "b")
    assert await caller.call("deleteDoc", doc_ref) == {"deleted": True}
    assert _error(await caller.error("getDoc", doc_ref)) == ("NotFound", "SFN_NOT_FOUND")
    forbidden = await caller.error("createDoc", {"collection": collection, "data": {}}, as_user="mallory")
    assert _error(forbidden) == ("Forbidden", "SFN_FORBIDDEN")
    audit = await database.rows(
        "SELECT subject, operation, decision FROM sfn.audit_log"
        " WHERE collection = %s AND operation = 'insert'",
        collection,
    )
    assert (FIXTURE_USERS["alice"], "insert", "allow") in audit
    # mallory's denial outlives the rollback of her call (sql/0012_audit_after_rollback.sql)
    assert (FIXTURE_USERS["mallory"], "insert", "deny") in audit


async def test_authz_grant_and_check(caller: Caller, database: Database) -> None:
    """authz.grant.non-admin-forbidden, authz.grant.database-admin-grants,
    authz.permission.role-from-token."""
    collection = f"g_{secrets.token_hex(3)}"
    await database.grant_user("conformance", FIXTURE_USERS["carol"], "admin")
    grant = {"userId": FIXTURE_USERS["bob"], "collection": collection, "permissions": ["read"]}
    assert _error(await caller.error("grantPermission", grant)) == ("Forbidden", "SFN_FORBIDDEN")
    check = {"collection": collection, "permission": "read"}
    assert await caller.call("checkPermission", check, as_user="bob") == {"granted": False}
    assert await caller.call("grantPermission", grant, as_user="carol") is None
    assert await caller.call("checkPermission", check, as_user="bob") == {"granted": True}
    assert await caller.call("checkPermission", {"permission": "read:own"}) == {"granted": True}
    assert await caller.call("checkPermission", {"permission": "read:own"}, as_user="mallory") == {
        "granted": False
    }


async def test_delivery_dedup_duplicate_callid(caller: Caller, database: Database) -> None:
    """delivery.dedup.duplicate-callid and delivery.dedup.concurrent-duplicates."""
    name = f"dup-{secrets.token_hex(3)}"
    call_id = new_call_id()
    assert await caller.call("counter", {"name": name}, call_id=call_id) == {"value": 1}
    assert await caller.call("counter", {"name": name}, call_id=call_id) == {"value": 1}
    concurrent = f"conc-{secrets.token_hex(3)}"
    same = new_call_id()
    replies = await caller.raw_calls(
        "counter", {"name": concurrent, "delayMs": 200}, call_id=same, repeat=20, wait=15
    )
    assert [reply.body for reply in replies] == [{"status": "success", "result": {"value": 1}}] * 20
    assert {reply.call_id for reply in replies} == {same}
    for counted in (name, concurrent):
        rows = await database.rows(
            "SELECT count(*) FROM sfn.documents WHERE collection = 'counters' AND data->>'name' = %s", counted
        )
        assert rows == [(1,)]
    recorded = await database.rows(
        "SELECT count(*) FROM sfn.processed_calls WHERE service = 'Conformance' AND call_id = %s", call_id
    )
    assert recorded == [(1,)]


async def test_errors_retries_and_dead_letters(caller: Caller, database: Database) -> None:
    """errors.type.default-codes, errors.business.with-details, errors.untyped.internal,
    delivery.retry.transient-then-success / exhausted-dead-letter, datastore.write.rolled-back-on-error."""
    letters = await caller.capture("dlq/Conformance")
    assert _error(await caller.error("fail", {"type": "Conflict"})) == ("Conflict", "SFN_CONFLICT")
    assert _error(await caller.error("fail", {"type": "TimeoutError"})) == ("TimeoutError", "SFN_TIMEOUT")
    business = await caller.error("failBusiness", {"code": "OUT_OF_STOCK", "details": {"sku": "A1"}})
    assert (business.code, business.details) == ("OUT_OF_STOCK", {"sku": "A1"})
    assert (await caller.error("failBusiness", {})).code == "SFN_BUSINESS_LOGIC"
    internal = await caller.error("fail", {"untyped": True})
    assert internal.to_error_info() == {
        "type": "SystemError",
        "code": "SFN_INTERNAL",
        "message": "internal error",
    }
    letter = await asyncio.wait_for(letters.get(), 5)
    assert letter.body["error"] == internal.to_error_info()
    assert letter.body["attempts"] == 3  # SFN_INTERNAL is a SystemError, effectively retryable (P-ERR-4)
    assert await caller.call("fail", {"type": "SystemError", "code": "FLAKY", "failAttempts": 2}) is None
    exhausted = await caller.error("fail", {"type": "SystemError", "code": "FLAKY", "failAttempts": 10})
    assert exhausted.code == "FLAKY"
    letter = await asyncio.wait_for(letters.get(), 5)
    assert (letter.body["attempts"], letter.body["function"]) == (3, "fail")
    assert "authorization" not in letter.body["envelope"]["headers"]
    assert "authorization" not in letter.headers
    marker = new_call_id()
    rolled = await caller.error(
        "fail", {"type": "BusinessLogicError", "code": "AFTER_WRITE", "writeFirst": True}, call_id=marker
    )
    assert rolled.code == "AFTER_WRITE"
    effects = await database.rows(
        "SELECT count(*) FROM sfn.documents WHERE collection = 'effects' AND data->>'callId' = %s", marker
    )
    assert effects == [(0,)]
    assert letters.empty()  # only SystemErrors are dead-lettered


async def test_time_limits_and_deadlines(caller: Caller) -> None:
    """errors.timeout.function-time-limit / deadline-shortens-limit, runtime.call.deadline-expired."""
    limited = await caller.error("slow", {"ms": 5000})
    assert _error(limited) == ("TimeoutError", "SFN_TIMEOUT")
    assert 1900 <= limited.details["limitMs"] <= 2000  # the function's timeoutMs
    shortened = await caller.raw_call("slow", {"ms": 1500}, deadline_in_ms=500, wait=3)
    assert (shortened.body["error"]["type"], shortened.body["error"]["code"]) == (
        "TimeoutError",
        "SFN_TIMEOUT",
    )
    expired = await caller.raw_call("counter", {"name": "expired"}, deadline_in_ms=-5000, wait=3)
    assert expired.body["error"]["code"] == "SFN_DEADLINE_EXPIRED"
    assert await caller.call("slow", {"ms": 10}) == {"sleptMs": pytest.approx(10, abs=50)}


async def test_results_checked(caller: Caller) -> None:
    """errors.result.invalid-in-development, errors.result.too-large."""
    invalid = await caller.error("badResult", {})
    assert (_error(invalid), invalid.retryable) == (("SystemError", "SFN_RESULT_INVALID"), False)
    too_large = await caller.error("bigResult", {"bytes": 1_100_000})
    assert _error(too_large) == ("ValidationError", "SFN_PAYLOAD_TOO_LARGE")
    assert too_large.details["limit"] == 1_048_576
    assert too_large.details["size"] > 1_100_000


async def test_messaging_notify(caller: Caller) -> None:
    """messaging.notify.one-way and messaging.notify.fresh-message-ids."""
    topic = f"t{secrets.token_hex(3)}"
    seen = await caller.capture(f"conformance/notify/{topic}")
    assert await caller.call("notify", {"topic": topic, "message": {"hello": "world"}, "count": 3}) is None
    messages = [await asyncio.wait_for(seen.get(), 5) for _ in range(3)]
    assert [m.body for m in messages] == [{"hello": "world"}] * 3
    assert len({m.message_id for m in messages}) == 3
    assert all(m.reply_to is None and m.call_id is None for m in messages)


async def test_nested_calls(caller: Caller) -> None:
    """nested.call.success / token-propagated / typed-error / timeout / headers-propagated."""
    assert await caller.call("callOther", {"function": "add", "parameters": {"a": 1, "b": 2}}) == {
        "outcome": "success",
        "result": {"sum": 3},
    }
    as_bob = await caller.call("callOther", {"function": "whoami", "parameters": {}}, as_user="bob")
    assert (as_bob["result"]["userId"], as_bob["result"]["hasToken"]) == (FIXTURE_USERS["bob"], True)
    typed = await caller.call(
        "callOther", {"function": "failBusiness", "parameters": {"code": "NESTED_FAIL"}}
    )
    assert typed["error"]["type"] == "BusinessLogicError"
    assert typed["error"]["code"] == "NESTED_FAIL"
    timed_out = await caller.call(
        "callOther", {"function": "slow", "parameters": {"ms": 1500}, "timeoutMs": 500}
    )  # 500 ms, not the case's 200: on a loaded machine the nested call could arrive past its deadline
    # The callee inherits the same deadline (P-TIME-6) and stops `slow` at that instant too, so on a loaded
    # machine its SFN_TIMEOUT reply can beat the caller's own reply timer; either way it is a TimeoutError.
    assert timed_out["outcome"] == "error"
    assert timed_out["error"]["type"] == "TimeoutError"
    assert timed_out["error"]["code"] in ("SFN_REPLY_TIMEOUT", "SFN_TIMEOUT")
    trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    seen = await caller.call(
        "callOther",
        {"function": "headers", "parameters": {}},
        headers={"traceparent": trace, "tracestate": "vendor=x", "x-app": "1"},
        timeout=20,
    )
    headers = seen["result"]["headers"]
    assert seen["result"]["hasAuthorization"] is True
    assert headers["traceparent"].startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert headers["traceparent"] != trace
    assert headers["tracestate"] == "vendor=x"
    assert "x-app" not in headers
    assert int(headers["deadline"]) > 0


async def test_nested_deadline_bounds_outer(caller: Caller) -> None:
    """nested.call.deadline-bounds-outer: the outer limit wins, not the nested reply timeout."""
    reply = await caller.raw_call(
        "callOther",
        {"function": "slow", "parameters": {"ms": 1500}, "timeoutMs": 5000},
        deadline_in_ms=500,
        wait=3,
    )
    assert reply.body["error"]["code"] == "SFN_TIMEOUT"


async def test_binary_echo_multi_frame(caller: Caller) -> None:
    """binary.echo.multi-frame: 1,000 bytes in 256-byte chunk frames, reassembled by the receiver."""
    data = bytes(range(251)) * 3 + bytes(range(247))
    assert len(data) == 1000
    topic = f"b{secrets.token_hex(3)}"
    assembler = TransferAssembler()
    done: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    frames: list[bytes] = []

    async def on_frame(message: object) -> None:
        payload: bytes = message.payload  # type: ignore[attr-defined]
        frames.append(payload)
        completed = assembler.add(payload)
        if completed is not None and not done.done():
            done.set_result(completed.data)

    await caller.observer.connection.subscribe(caller.topic(f"conformance/binary/{topic}"), 1, on_frame)
    result = await caller.call(
        "binaryEcho", {"topic": topic, "data": base64.b64encode(data).decode(), "chunkSize": 256}
    )
    assert await asyncio.wait_for(done, 5) == data
    assert result["sha256"] == hashlib.sha256(data).hexdigest()
    assert (result["totalLength"], result["frames"], len(frames)) == (1000, 4, 4)


async def test_poison_keeps_serving(caller: Caller) -> None:
    """delivery.survive.poison-storm."""
    topic = caller.topic("service/Conformance")
    for payload in (b"", b"null", b'"just a string"', b"\xff\xfe\xfd\xfc", b'{"replyTo": 42}'):
        await caller.client.connection.publish(topic, payload)
    assert await caller.call("echo", {"value": "still serving"}) == {"value": "still serving"}


def _second_service(database: Database, profile: str | None = None) -> LaunchedService:
    """Another instance beside the module's, with its own prefix and replica id (so its own sessions)."""
    return LaunchedService(
        prefix=f"pyconf-{secrets.token_hex(4)}", database_url=database.url, profile=profile
    )


async def _wait_for_in_flight(launched: LaunchedService, calls: int, timeout_s: float = 20) -> None:
    """Polls the service's /metrics until sfn_calls_in_flight reaches `calls` (a fixed sleep raced
    the service on a loaded machine: a call not yet received when SIGTERM came was never started)."""
    import httpx

    deadline = asyncio.get_running_loop().time() + timeout_s
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            text = (await http.get(f"http://127.0.0.1:{launched.port}/metrics")).text
            match = re.search(r"^sfn_calls_in_flight\S* (\d+(?:\.\d+)?)$", text, re.MULTILINE)
            if match is not None and float(match.group(1)) >= calls:
                return
            assert asyncio.get_running_loop().time() < deadline, f"fewer than {calls} calls in flight"
            await asyncio.sleep(0.05)


async def test_graceful_shutdown_and_unfinished_redelivered(database: Database) -> None:
    """delivery.shutdown.graceful-drain and delivery.shutdown.unfinished-redelivered: SIGTERM lets a
    short call finish (exit 0) and leaves a long one unacknowledged, so the restarted service runs it."""
    launched = _second_service(database)
    await launched.start()
    name = f"drain-{secrets.token_hex(3)}"
    async with MessagingClient(MQTT_URL, prefix=launched.prefix) as client:
        caller = Caller(client, client, launched.prefix)
        finishing = asyncio.ensure_future(caller.call("slow", {"ms": 1000}))
        unfinished = asyncio.ensure_future(
            caller.call("counter", {"name": name, "delayMs": 8000}, timeout=40)
        )
        await _wait_for_in_flight(launched, 2)  # SIGTERM only once the service holds both calls
        assert await launched.stop() == 0
        assert (await finishing)["sleptMs"] >= 1000
        assert not unfinished.done()
        await launched.start()  # same replica id: the same persistent sessions (P-QOS-5)
        try:
            assert await unfinished == {"value": 1}
        finally:
            assert await launched.stop() == 0
    rows = await database.rows(
        "SELECT count(*) FROM sfn.documents WHERE collection = 'counters' AND data->>'name' = %s", name
    )
    assert rows == [(1,)]


async def test_introspection_profile_rejects_a_revoked_opaque_token(database: Database) -> None:
    """auth.token.revoked-opaque, with the launch file's `introspection` profile."""
    import httpx

    from .conftest import OIDC_ISSUER, TEST_CLIENT

    launched = _second_service(database, profile="introspection")
    await launched.start()
    try:
        from ._tokens import mint_token

        opaque = await mint_token("alice", resource="urn:sfn:api-opaque")
        async with httpx.AsyncClient(timeout=10) as http:
            metadata = (await http.get(f"{OIDC_ISSUER}/.well-known/openid-configuration")).json()
            revoked = await http.post(
                metadata["revocation_endpoint"], data={"token": opaque}, auth=TEST_CLIENT
            )
            assert revoked.status_code == 200
        async with MessagingClient(MQTT_URL, prefix=launched.prefix) as client:
            failure: SfnError | None = None
            try:
                await client.call(
                    "Conformance",
                    "echo",
                    {"value": 1},
                    headers={"authorization": f"Bearer {opaque}"},
                    timeout=timedelta(seconds=10),
                )
            except SfnError as error:
                failure = error
            assert failure is not None
            assert (failure.code, failure.details) == ("SFN_UNAUTHENTICATED", {"reason": "token_inactive"})
    finally:
        assert await launched.stop() == 0


async def test_mqtt311_host_serves_a_311_caller(database: Database) -> None:
    """runtime.receive.mqtt311-echo with the runtime itself at MQTT 3.1.1 (RUN_MQTT_PROTOCOL=3.1.1):
    plain filter, one connection (P-TRN-3), replies matched by the envelope's callId."""
    launched = LaunchedService(
        prefix=f"pyconf-{secrets.token_hex(4)}", database_url=database.url, mqtt_protocol="3.1.1"
    )
    await launched.start()
    try:
        async with MessagingClient(MQTT_URL, prefix=launched.prefix, protocol_level=4) as client:
            caller = Caller(client, client, launched.prefix)
            assert await caller.call("echo", {"value": "v311"}) == {"value": "v311"}
            nested = await caller.call("callOther", {"function": "add", "parameters": {"a": 1, "b": 2}})
            assert nested == {"outcome": "success", "result": {"sum": 3}}
    finally:
        assert await launched.stop() == 0

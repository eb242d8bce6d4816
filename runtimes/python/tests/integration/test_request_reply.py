"""Request/reply over Mosquitto between a Python caller and a Python responder."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from sfn_runtime.errors import BusinessLogicError, SfnTimeoutError, ValidationError
from sfn_runtime.generated.wire_types import Envelope
from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import (
    as_call,
    create_error_reply,
    create_success_reply,
    service_topic,
    shared_service_subscription,
)

from .conftest import MQTT_URL


async def _responder(prefix: str) -> MessagingClient:
    responder = MessagingClient(MQTT_URL, prefix=prefix)
    await responder.connect()

    async def on_call(envelope: Envelope) -> None:
        call = as_call(envelope)
        if call.body.function == "fail":
            reply = create_error_reply(
                call.call_id,
                BusinessLogicError("nope", code="NOPE", details={"n": 1}).to_error_info(),
            )
        else:
            reply = create_success_reply(call.call_id, {"echo": call.body.parameters})
        await responder.publish_envelope(call.reply_to, reply, wait=False)

    await responder.subscribe(shared_service_subscription("Echo", prefix=prefix), on_call)
    return responder


async def test_echo_round_trip(prefix: str) -> None:
    responder = await _responder(prefix)
    try:
        async with MessagingClient(MQTT_URL, prefix=prefix) as caller:
            result = await caller.call("Echo", "echo", {"text": "hi"}, timeout=timedelta(seconds=5))
            assert result == {"echo": {"text": "hi"}}
            results = await asyncio.gather(
                *(caller.call("Echo", "echo", {"i": i}, timeout=timedelta(seconds=5)) for i in range(50))
            )
            assert [r["echo"]["i"] for r in results] == list(range(50))
    finally:
        await responder.close()


async def test_error_reply_raises_the_typed_error(prefix: str) -> None:
    responder = await _responder(prefix)
    try:
        async with MessagingClient(MQTT_URL, prefix=prefix) as caller:
            with pytest.raises(BusinessLogicError) as caught:
                await caller.call("Echo", "fail", {}, timeout=timedelta(seconds=5))
            assert caught.value.code == "NOPE"
            assert caught.value.details == {"n": 1}
    finally:
        await responder.close()


async def test_no_responder_times_out_with_reply_timeout(prefix: str) -> None:
    async with MessagingClient(MQTT_URL, prefix=prefix) as caller:
        with pytest.raises(SfnTimeoutError) as caught:
            await caller.call("Nobody", "echo", {}, timeout=timedelta(milliseconds=300))
        assert caught.value.code == "SFN_REPLY_TIMEOUT"
        assert caught.value.retryable


async def test_local_checks_publish_nothing(prefix: str) -> None:
    async with MessagingClient(MQTT_URL, prefix=prefix, max_payload_bytes=200) as caller:
        with pytest.raises(ValidationError) as caught:
            await caller.send("a/+", {})
        assert caught.value.code == "SFN_TOPIC_INVALID"
        with pytest.raises(ValidationError) as caught:
            await caller.send(service_topic("X", prefix=prefix), "x" * 500)
        assert caught.value.code == "SFN_PAYLOAD_TOO_LARGE"
        with pytest.raises(ValidationError) as caught:
            await caller.send_and_wait("t", {"function": "1bad", "parameters": {}}, timedelta(seconds=1))
        assert caught.value.code == "SFN_CALL_INVALID"


async def test_bound_messaging_carries_the_token(prefix: str) -> None:
    from sfn_runtime.generated.wire_types import UserContext

    async with MessagingClient(MQTT_URL, prefix=prefix) as client:
        topic = f"{prefix}/events"
        received = asyncio.ensure_future(client.receive(topic, timeout=timedelta(seconds=5)))
        await asyncio.sleep(0.2)
        bound = client.create_messaging(UserContext(groups=[], roles=[], user_id="alice", token="tok"))
        await bound.send(topic, {"hello": 1})
        envelope = await received
        assert envelope.body == {"hello": 1}
        assert envelope.headers["authorization"] == "Bearer tok"


async def test_unacknowledged_message_is_redelivered_to_a_persistent_session(prefix: str) -> None:
    """P-QOS-4/5: a message whose handler never finished is redelivered after a reconnect."""
    topic = f"{prefix}/jobs"
    client_id = f"{prefix}-worker"
    first_seen = asyncio.Event()
    worker = MessagingClient(MQTT_URL, client_id=client_id, clean_start=False, session_expiry_interval=60)
    await worker.connect()

    async def hang(_: Envelope) -> None:
        first_seen.set()
        await asyncio.sleep(3600)

    await worker.subscribe(topic, hang)
    async with MessagingClient(MQTT_URL) as sender:
        await sender.send(topic, {"job": 1})
        await asyncio.wait_for(first_seen.wait(), 5)
        # simulate a crash: drop the socket without acknowledging
        await worker.connection.abort()
        await asyncio.sleep(0.5)

    redelivered: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
    again = MessagingClient(MQTT_URL, client_id=client_id, clean_start=False, session_expiry_interval=60)

    async def got(message: object) -> None:
        if not redelivered.done():
            from sfn_runtime.wire import decode_envelope

            redelivered.set_result(decode_envelope(message.payload))  # type: ignore[attr-defined]

    again.connection.add_handler(topic, 1, got)  # P-TRN-6: handler in place before CONNECT
    await again.connection.connect()
    try:
        envelope = await asyncio.wait_for(redelivered, 5)
        assert envelope.body == {"job": 1}
    finally:
        await again.connection.close(end_session=True)


async def test_binary_transfer_round_trip(prefix: str) -> None:
    from sfn_runtime.generated.wire_types import UserContext

    data = bytes(range(256)) * 1000  # 256 KB, 4 frames of 64 KiB
    async with MessagingClient(MQTT_URL, prefix=prefix) as client:
        bound = client.create_messaging(UserContext(groups=[], roles=[], user_id="alice", token="tok"))
        topic = f"{prefix}/files"
        received = asyncio.ensure_future(bound.receive_binary(topic, timeout=timedelta(seconds=5)))
        await asyncio.sleep(0.2)
        await bound.send_binary(topic, data)
        assert await received == data


async def test_mqtt311_caller_matches_replies_by_call_id(prefix: str) -> None:
    """P-TRN-1: at 3.1.1 there are no properties; everything travels in the envelope."""
    responder = await _responder(prefix)
    try:
        async with MessagingClient(MQTT_URL, prefix=prefix, protocol_level=4) as caller:
            result = await caller.call("Echo", "echo", {"v": 311}, timeout=timedelta(seconds=5))
            assert result == {"echo": {"v": 311}}
    finally:
        await responder.close()

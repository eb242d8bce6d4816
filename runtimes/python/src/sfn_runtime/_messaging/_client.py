"""MessagingClient: one MQTT connection, one session reply topic, request/reply by callId (§7.2)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .._validation import validate_wire
from .._wire._constants import DEFAULT_MAX_PAYLOAD_BYTES
from .._wire._envelope import (
    EnvelopeDecodeError,
    as_reply_body,
    create_call_envelope,
    create_message_envelope,
    decode_envelope,
    encode_envelope,
    now_ms,
)
from .._wire._ids import new_session_id
from .._wire._properties import mqtt_properties_for
from .._wire._topics import assert_publish_topic, reply_topic, service_topic
from ..errors import ErrorCodes, SfnSystemError, SfnTimeoutError, ValidationError, error_from_info
from ..generated.wire_types import MISSING, Envelope, HookType, ReplyStatus, UserContext
from ._connection import Connection, ConnectionOptions, ReceivedMessage
from ._hooks import Hook, Hooks

if TYPE_CHECKING:
    from ._bound import BoundMessaging

_log = logging.getLogger("sfn_runtime.messaging")
EnvelopeHandler = Callable[[Envelope], Awaitable[None]]


class Subscription:
    """Handle of an active subscription."""

    def __init__(self, connection: Connection, topic_filter: str) -> None:
        self._connection = connection
        self.topic_filter = topic_filter

    async def unsubscribe(self) -> None:
        await self._connection.unsubscribe(self.topic_filter)


class MessagingClient:
    """The caller side of sfn messaging over one MQTT connection.

    Use as ``async with MessagingClient(url) as client:``. ``create_messaging(user)`` returns the
    ``Messaging`` interface bound to a caller's identity.
    """

    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        protocol_level: int = 5,
        clean_start: bool = True,
        session_expiry_interval: int = 0,
        keepalive: int = 60,
        prefix: str | None = None,
        mirror_properties: bool = True,
        max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
        max_concurrency: int = 64,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.connection = Connection(
            ConnectionOptions(
                url=url,
                client_id=client_id,
                protocol_level=protocol_level,
                clean_start=clean_start,
                session_expiry_interval=session_expiry_interval,
                keepalive=keepalive,
                username=username,
                password=password,
                max_concurrency=max_concurrency,
            )
        )
        self.prefix = prefix
        self.mirror_properties = mirror_properties
        self.max_payload_bytes = max_payload_bytes
        self.session_id = new_session_id()
        self.reply_topic = reply_topic(self.session_id, prefix=prefix)
        self.hooks = Hooks()
        self._pending: dict[str, asyncio.Future[Envelope]] = {}

    async def __aenter__(self) -> MessagingClient:
        await self.connect()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Connects and subscribes the session reply topic (SUBACK before the first call, P-TOP-3)."""
        await self.connection.connect()
        await self.connection.subscribe(self.reply_topic, 1, self._on_reply)

    async def close(self, *, end_session: bool = False) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(SfnSystemError("messaging client closed"))
        await self.connection.close(end_session=end_session)

    def add_hook(self, kind: HookType | str, hook: Hook) -> None:
        self.hooks.add(kind, hook)

    def create_messaging(self, user: UserContext | None) -> BoundMessaging:
        """The ``Messaging`` interface bound to a caller (its token travels in every envelope)."""
        from ._bound import BoundMessaging

        return BoundMessaging(self, user)

    # -- publishing ----------------------------------------------------------------------------
    async def publish_envelope(
        self, topic: str, envelope: Envelope, *, qos: int = 1, wait: bool = True
    ) -> None:
        """Checks topic and size locally (P-CALL-1, P-SIZE-1), runs before-send hooks, publishes."""
        assert_publish_topic(topic)
        await self.hooks.run(HookType.BEFORE_SEND, envelope)
        payload = encode_envelope(envelope)
        if len(payload) > self.max_payload_bytes:
            raise ValidationError(
                f"envelope of {len(payload)} bytes exceeds the limit of {self.max_payload_bytes}",
                code=ErrorCodes.PAYLOAD_TOO_LARGE,
                details={"size": len(payload), "limit": self.max_payload_bytes},
            )
        properties = mqtt_properties_for(envelope)
        if not self.mirror_properties:  # P-PROP-2: keep the expiry even without mirroring
            properties = type(properties)(message_expiry_interval=properties.message_expiry_interval)
        await self.connection.publish(topic, payload, qos=qos, properties=properties, wait=wait)

    async def send(
        self, topic: str, body: Any, *, headers: Mapping[str, str] | None = None, qos: int = 1
    ) -> None:
        """Publishes a one-way message; resolves once the broker accepted it."""
        await self.publish_envelope(topic, create_message_envelope(body, dict(headers or {})), qos=qos)

    async def send_and_wait(
        self,
        topic: str,
        request: Mapping[str, Any],
        timeout: timedelta,
        *,
        headers: Mapping[str, str] | None = None,
        call_id: str | None = None,
    ) -> Envelope:
        """Publishes a call and waits for its reply envelope; an error reply raises its typed error."""
        problems = validate_wire("CallBody", dict(request))
        if problems:
            raise ValidationError(
                "request is not a CallBody", code=ErrorCodes.CALL_INVALID, details={"violations": problems}
            )
        timeout_ms = max(1, int(timeout.total_seconds() * 1000))
        envelope = create_call_envelope(
            function=request["function"],
            parameters=dict(request["parameters"]),
            reply_to=self.reply_topic,
            call_id=call_id,
            headers=dict(headers or {}),
            timeout_ms=timeout_ms,
        )
        assert envelope.call_id is not None
        future: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
        self._pending[envelope.call_id] = future
        # The wait ends at the envelope's deadline, not timeout_ms after the publish returned: the callee
        # stops at that same instant (P-TIME-6), and a late timer would let its SFN_TIMEOUT win the race.
        deadline_ms = int(envelope.headers["deadline"])
        try:
            await self.publish_envelope(topic, envelope)
            reply = await asyncio.wait_for(future, max(0, deadline_ms - now_ms()) / 1000)
        except asyncio.TimeoutError:
            raise SfnTimeoutError(
                f"no reply within {timeout_ms} ms", code=ErrorCodes.REPLY_TIMEOUT, retryable=True
            ) from None
        finally:
            self._pending.pop(envelope.call_id, None)
        body = as_reply_body(reply)
        if body.status is ReplyStatus.ERROR and body.error is not None:
            raise error_from_info(reply.body["error"])
        return reply

    async def call(
        self,
        service: str,
        function: str,
        parameters: Mapping[str, Any],
        *,
        timeout: timedelta = timedelta(seconds=30),
        headers: Mapping[str, str] | None = None,
        call_id: str | None = None,
    ) -> Any:
        """Calls ``function`` of ``service`` and returns its result."""
        reply = await self.send_and_wait(
            service_topic(service, prefix=self.prefix),
            {"function": function, "parameters": dict(parameters)},
            timeout,
            headers=headers,
            call_id=call_id,
        )
        return None if reply.body is MISSING else reply.body.get("result")

    async def _on_reply(self, message: ReceivedMessage) -> None:
        try:
            envelope = decode_envelope(message.payload, max_bytes=self.max_payload_bytes)
        except EnvelopeDecodeError as error:
            await self.hooks.run(HookType.ON_ERROR, error)
            return
        await self.hooks.run(HookType.AFTER_RECEIVE, envelope)
        future = self._pending.get(envelope.call_id) if envelope.call_id is not None else None
        if future is None:
            _log.debug("discarding a reply for an unknown callId")
            return
        if not future.done():
            future.set_result(envelope)

    # -- receiving -----------------------------------------------------------------------------
    async def subscribe(
        self, topic_filter: str, on_message: EnvelopeHandler, *, qos: int = 1
    ) -> Subscription:
        """Delivers every envelope on a filter; QoS 1 messages are acknowledged after the handler settled."""

        async def handle(message: ReceivedMessage) -> None:
            try:
                envelope = decode_envelope(message.payload, max_bytes=self.max_payload_bytes)
            except EnvelopeDecodeError as error:
                await self.hooks.run(HookType.ON_ERROR, error)
                return
            await self.hooks.run(HookType.AFTER_RECEIVE, envelope)
            await on_message(envelope)

        await self.connection.subscribe(topic_filter, qos, handle)
        return Subscription(self.connection, topic_filter)

    async def receive(self, topic: str, *, timeout: timedelta | None = None) -> Envelope:
        """Resolves with the next envelope published to a topic."""
        future: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()

        async def first(envelope: Envelope) -> None:
            if not future.done():
                future.set_result(envelope)

        subscription = await self.subscribe(topic, first)
        try:
            seconds = None if timeout is None else timeout.total_seconds()
            return await asyncio.wait_for(future, seconds)
        except asyncio.TimeoutError:
            raise SfnTimeoutError(f"nothing received on '{topic}' in time") from None
        finally:
            await subscription.unsubscribe()

"""The Messaging interface bound to one caller: every envelope carries that caller's token (P-HDR-3)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .._wire._assembler import TransferAssembler
from .._wire._chunks import split_into_chunk_frames
from .._wire._constants import CHUNK_CONTENT_TYPE, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_TRANSFER_BYTES
from .._wire._envelope import now_ms
from .._wire._ids import new_session_id
from .._wire._properties import MqttPublishProperties
from .._wire._topics import assert_publish_topic, prefixed_topic, service_topic
from .._wire._trace import child_traceparent
from ..errors import SfnTimeoutError, ValidationError
from ..generated.wire_types import CallBody, Envelope, HookType, UserContext
from ._client import MessagingClient, Subscription
from ._connection import ReceivedMessage


@dataclass(frozen=True)
class TransferInfo:
    """What ``send_binary`` published: the receiver reassembles ``frames`` frames of ``transfer_id``."""

    transfer_id: str
    total_length: int
    sha256: str
    frames: int


@dataclass(frozen=True)
class IncomingCall:
    """The call a function is handling, for the headers of the calls it makes (P-HDR-3, P-TIME-6)."""

    headers: Mapping[str, str]
    #: When this call's effective time limit ends, in ms since the epoch: nested calls never wait longer.
    limit_at_ms: int | None = None


class BoundMessaging:
    """Implements the generated ``Messaging`` protocol for one ``UserContext``.

    Bound by the host for one call (``incoming``), a nested call carries the caller's token, a
    ``traceparent`` of the same trace with a new parent-id, the incoming ``tracestate``, and a
    ``deadline`` no later than the incoming call's limit (P-HDR-3, P-TIME-6).
    """

    def __init__(
        self, client: MessagingClient, user: UserContext | None, *, incoming: IncomingCall | None = None
    ) -> None:
        self._client = client
        self._user = user
        self._incoming = incoming

    @property
    def prefix(self) -> str | None:
        """The deployment topic prefix of the underlying client (P-TOP-4)."""
        return self._client.prefix

    def topic(self, topic: str) -> str:
        """``{p}{topic}``: an application topic under the deployment prefix."""
        return prefixed_topic(topic, prefix=self._client.prefix)

    def _headers(self, headers: Mapping[str, str] | None, *, nested: bool = False) -> dict[str, str]:
        merged = dict(headers or {})
        if self._incoming is not None:
            incoming = self._incoming.headers
            traceparent = child_traceparent(incoming.get("traceparent"))
            if traceparent is not None:
                merged.setdefault("traceparent", traceparent)
            if "tracestate" in incoming:
                merged.setdefault("tracestate", incoming["tracestate"])
            bounds = [int(incoming["deadline"])] if incoming.get("deadline", "").isdigit() else []
            if self._incoming.limit_at_ms is not None:
                bounds.append(self._incoming.limit_at_ms)
            if nested and bounds:  # P-TIME-6: a nested call ends no later than the call making it
                merged["deadline"] = str(min(bounds))
        if self._user is not None and self._user.token:
            merged["authorization"] = f"Bearer {self._user.token}"
        return merged

    def _bounded(self, timeout: timedelta) -> timedelta:
        limit = self._incoming.limit_at_ms if self._incoming is not None else None
        if limit is None:
            return timeout
        left_ms = max(1, limit - now_ms())
        return min(timeout, timedelta(milliseconds=left_ms))

    async def send(
        self, topic: str, body: Any, *, headers: Mapping[str, str] | None = None, qos: int = 1
    ) -> None:
        await self._client.send(topic, body, headers=self._headers(headers), qos=qos)

    async def send_and_wait(
        self,
        topic: str,
        request: CallBody | Mapping[str, Any],
        timeout: timedelta,
        *,
        headers: Mapping[str, str] | None = None,
        call_id: str | None = None,
    ) -> Envelope:
        body = request.to_dict() if isinstance(request, CallBody) else dict(request)
        return await self._client.send_and_wait(
            topic, body, self._bounded(timeout), headers=self._headers(headers, nested=True), call_id=call_id
        )

    async def call(
        self,
        service: str,
        function: str,
        parameters: Mapping[str, Any],
        *,
        timeout: timedelta = timedelta(seconds=30),
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Calls ``function`` of ``service`` (under the prefix) and returns its result; an error reply
        raises its typed error, no reply in time ``SfnTimeoutError`` / ``SFN_REPLY_TIMEOUT``."""
        reply = await self.send_and_wait(
            service_topic(service, prefix=self._client.prefix),
            {"function": function, "parameters": dict(parameters)},
            timeout,
            headers=headers,
        )
        return reply.body.get("result") if isinstance(reply.body, dict) else None

    async def receive(self, topic: str, *, timeout: timedelta | None = None) -> Envelope:
        return await self._client.receive(topic, timeout=timeout)

    async def subscribe(
        self, topic: str, on_message: Callable[[Envelope], Awaitable[None]], *, qos: int = 1
    ) -> Subscription:
        return await self._client.subscribe(topic, on_message, qos=qos)

    def add_hook(self, type: HookType, hook: Callable[[Envelope], Awaitable[None]]) -> None:
        self._client.add_hook(type, hook)

    async def send_binary(
        self,
        topic: str,
        data: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        """Sends bytes as chunk frames in index order (P-BIN-2/3)."""
        await self.send_transfer(topic, data, headers=headers, chunk_size=chunk_size)

    async def send_transfer(
        self,
        topic: str,
        data: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        transfer_id: str | None = None,
    ) -> TransferInfo:
        """``send_binary`` that returns what it published (transfer id, length, SHA-256, frames)."""
        assert_publish_topic(topic)
        transfer_id = transfer_id if transfer_id is not None else new_session_id()
        properties = MqttPublishProperties(content_type=CHUNK_CONTENT_TYPE, payload_format_indicator=None)
        frames = split_into_chunk_frames(
            data, chunk_size=chunk_size, headers=self._headers(headers), transfer_id=transfer_id
        )
        for frame in frames:
            await self._client.connection.publish(topic, frame, qos=1, properties=properties)
        return TransferInfo(
            transfer_id=transfer_id,
            total_length=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            frames=len(frames),
        )

    async def receive_binary(
        self, topic: str, *, timeout: timedelta | None = None, max_bytes: int | None = None
    ) -> bytes:
        """The next complete transfer on a topic; a failed transfer raises ``SFN_TRANSFER_INVALID``."""
        assembler = TransferAssembler(max_bytes=max_bytes or DEFAULT_MAX_TRANSFER_BYTES)
        result: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

        async def on_frame(message: ReceivedMessage) -> None:
            if result.done():
                return
            try:
                completed = assembler.add(message.payload)
            except ValidationError as error:
                await self._client.hooks.run(HookType.ON_ERROR, error)
                result.set_exception(error)
                return
            if completed is not None:
                result.set_result(completed.data)

        connection = self._client.connection
        await connection.subscribe(topic, 1, on_frame)
        try:
            return await asyncio.wait_for(result, None if timeout is None else timeout.total_seconds())
        except asyncio.TimeoutError:
            raise SfnTimeoutError(f"no complete transfer on '{topic[:80]}' in time") from None
        finally:
            await connection.unsubscribe(topic)

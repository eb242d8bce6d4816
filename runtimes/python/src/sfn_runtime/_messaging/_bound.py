"""The Messaging interface bound to one caller: every envelope carries that caller's token (P-HDR-3)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from .._wire._assembler import TransferAssembler
from .._wire._chunks import split_into_chunk_frames
from .._wire._constants import CHUNK_CONTENT_TYPE, DEFAULT_CHUNK_SIZE, DEFAULT_MAX_TRANSFER_BYTES
from .._wire._properties import MqttPublishProperties
from .._wire._topics import assert_publish_topic
from ..errors import SfnTimeoutError, ValidationError
from ..generated.wire_types import CallBody, Envelope, HookType, UserContext
from ._client import MessagingClient, Subscription
from ._connection import ReceivedMessage


class BoundMessaging:
    """Implements the generated ``Messaging`` protocol for one ``UserContext``."""

    def __init__(self, client: MessagingClient, user: UserContext | None) -> None:
        self._client = client
        self._user = user

    def _headers(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        merged = dict(headers or {})
        if self._user is not None and self._user.token:
            merged["authorization"] = f"Bearer {self._user.token}"
        return merged

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
            topic, body, timeout, headers=self._headers(headers), call_id=call_id
        )

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
        assert_publish_topic(topic)
        properties = MqttPublishProperties(content_type=CHUNK_CONTENT_TYPE, payload_format_indicator=None)
        for frame in split_into_chunk_frames(data, chunk_size=chunk_size, headers=self._headers(headers)):
            await self._client.connection.publish(topic, frame, qos=1, properties=properties)

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

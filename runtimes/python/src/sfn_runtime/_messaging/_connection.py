"""paho-mqtt 2.x driven by the asyncio event loop (paho's external-loop API: ``add_reader``/``add_writer``
call ``loop_read``/``loop_write``), so there is no network thread and no GIL hand-off per message. QoS 1
messages are acknowledged manually (``manual_ack``), after their handler settled. The connection
reconnects by itself with backoff; a persistent session then resumes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from .._wire._properties import MqttPublishProperties
from ..errors import ErrorCodes, SfnSystemError, ValidationError
from . import _paho_tables  # noqa: F401 - table lookups for paho's Properties, see the module
from ._acks import AckSequencer

_log = logging.getLogger("sfn_runtime.messaging")

_MAX_ROUTES = 1024
#: Handler of a received message: returns when processing is over; the message is acknowledged then.
RawHandler = Callable[["ReceivedMessage"], Awaitable[None]]


@dataclass(frozen=True)
class ReceivedMessage:
    topic: str
    payload: bytes
    qos: int
    dup: bool
    response_topic: str | None
    correlation_data: bytes | None


@dataclass(frozen=True)
class ConnectionOptions:
    url: str
    client_id: str | None = None
    protocol_level: int = 5
    clean_start: bool = True
    session_expiry_interval: int = 0
    keepalive: int = 60
    username: str | None = None
    password: str | None = None
    max_concurrency: int = 64


def _filter_matches(subscription: str, topic: str) -> bool:
    if subscription.startswith("$share/"):
        subscription = subscription.split("/", 2)[2]
    return bool(mqtt.topic_matches_sub(subscription, topic))


class Connection:
    """One MQTT connection. All public methods are coroutines or plain calls on the event loop's thread."""

    def __init__(self, options: ConnectionOptions) -> None:
        self.options = options
        url = urlparse(options.url)
        if url.scheme not in ("mqtt", "tcp", ""):
            raise ValidationError(f"unsupported broker URL scheme '{url.scheme}' (use mqtt://)")
        self._host = url.hostname or "127.0.0.1"
        self._port = url.port or 1883
        self._mqtt5 = options.protocol_level == 5
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=options.client_id or "",
            protocol=mqtt.MQTTv5 if self._mqtt5 else mqtt.MQTTv311,
            clean_session=None if self._mqtt5 else options.clean_start,
            manual_ack=True,
        )
        if options.username is not None:
            self._client.username_pw_set(options.username, options.password)
        self._client.on_socket_open = self._on_socket_open
        self._client.on_socket_close = self._on_socket_close
        self._client.on_socket_register_write = self._on_socket_register_write
        self._client.on_socket_unregister_write = self._on_socket_unregister_write
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_unsubscribe = self._on_unsubscribe
        self._client.on_publish = self._on_publish
        self._client.on_message = self._on_message
        self._lock = threading.Lock()
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._early: dict[int, Any] = {}
        self._connected: asyncio.Future[None] | None = None
        self._handlers: list[tuple[str, int, RawHandler]] = []
        #: topic -> its handler, so that a message does not match every filter again (bounded)
        self._routes: dict[str, RawHandler | None] = {}
        self._acks = AckSequencer(self._send_ack)
        self._semaphore = asyncio.Semaphore(options.max_concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self.shared_subscriptions_available = True
        self.is_connected = False
        self._closing = False
        self._misc: asyncio.Task[None] | None = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed: asyncio.Future[None] | None = None

    # -- paho callbacks (run on the event loop's thread, inside loop_read/loop_write) ------------
    def _call(self, fn: Callable[..., None], *args: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon(fn, *args)

    def _on_socket_open(self, client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # P-TRN-4
        assert self._loop is not None
        self._loop.add_reader(sock, client.loop_read)
        if self._misc is None or self._misc.done():
            self._misc = self._loop.create_task(self._misc_loop())

    def _on_socket_close(self, _client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(sock)
                self._loop.remove_writer(sock)

    def _on_socket_register_write(self, client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        assert self._loop is not None
        self._loop.add_writer(sock, client.loop_write)

    def _on_socket_unregister_write(self, _client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_writer(sock)

    async def _misc_loop(self) -> None:
        """Keep-alive and retries: paho's loop_misc once a second while connected."""
        while self._client.loop_misc() == mqtt.MQTT_ERR_SUCCESS:  # noqa: ASYNC110 - a periodic tick
            await asyncio.sleep(1)

    def _on_connect(self, _c: mqtt.Client, _u: Any, flags: Any, reason: Any, properties: Any) -> None:
        shared = getattr(properties, "SharedSubscriptionAvailable", 1) if properties is not None else 1
        if self._mqtt5 and not reason.is_failure:
            # Send as many QoS 1 PUBLISHes unacknowledged as the broker's Receive Maximum allows
            # (MQTT 5.0 §3.2.2.3.3, 65,535 when absent). paho keeps its default of 20 otherwise, and
            # a host's replies then queue behind the PUBACKs of the previous 20: at 64 calls in flight
            # that wait dominated the latency. The public setter refuses an open connection, so the
            # attribute is set directly, between CONNACK and the first publish.
            receive_maximum = (
                getattr(properties, "ReceiveMaximum", 65535) if properties is not None else 65535
            )
            self._client._max_inflight_messages = max(1, int(receive_maximum))
        self._call(
            self._connected_on_loop, not reason.is_failure, str(reason), bool(flags.session_present), shared
        )

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _flags: Any, reason: Any, _p: Any) -> None:
        self._call(self._disconnected_on_loop, str(reason))

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, mid: int, reasons: Any, _p: Any) -> None:
        self._complete(mid, [int(getattr(r, "value", r)) for r in reasons])

    def _on_unsubscribe(self, _c: mqtt.Client, _u: Any, mid: int, _reasons: Any, _p: Any) -> None:
        self._complete(mid, None)

    def _on_publish(self, _c: mqtt.Client, _u: Any, mid: int, reason: Any, _p: Any) -> None:
        self._complete(mid, int(getattr(reason, "value", 0)))

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        props = message.properties
        received = ReceivedMessage(
            topic=message.topic,
            payload=bytes(message.payload),
            qos=message.qos,
            dup=bool(message.dup),
            response_topic=getattr(props, "ResponseTopic", None) if props is not None else None,
            correlation_data=getattr(props, "CorrelationData", None) if props is not None else None,
        )
        self._call(self._dispatch, received, message.mid)

    def _complete(self, mid: int, value: Any) -> None:
        with self._lock:
            future = self._pending.pop(mid, None)
            if future is None:
                self._early[mid] = value
                return
        self._call(_resolve, future, value)

    # -- event loop ----------------------------------------------------------------------------
    def _connected_on_loop(self, ok: bool, reason: str, session_present: bool, shared: int) -> None:
        self.shared_subscriptions_available = bool(shared)
        if ok:
            self.is_connected = True
            if self._connected is not None and self._connected.done():
                # A reconnect: subscribe every filter again, even when the broker kept our session.
                # Mosquitto 2.0 restores a persisted session without its $share/ subscriptions after
                # a restart (session present = 1, no shared subscription), and subscribing an existing
                # filter again only replaces it (MQTT 5.0 §3.8.4).
                _log.info("mqtt reconnected (session present: %s); subscribing again", session_present)
                for topic_filter, qos, _ in self._handlers:
                    self._client.subscribe(topic_filter, **self._subscribe_kwargs(qos))
        if self._connected is not None and not self._connected.done():
            if ok:
                self._connected.set_result(None)
            else:
                self._connected.set_exception(SfnSystemError(f"broker refused the connection: {reason}"))

    def _disconnected_on_loop(self, reason: str) -> None:
        self.is_connected = False
        self._acks.reset()
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)
        if self._closing or self._loop is None:
            return
        _log.info("mqtt connection lost (%s); reconnecting", reason)
        if self._reconnecting is None or self._reconnecting.done():
            self._reconnecting = self._loop.create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        delay = 0.5
        while not self._closing and not self.is_connected:
            await asyncio.sleep(delay)
            try:
                self._client.reconnect()
                return
            except (OSError, ValueError) as error:
                _log.info("reconnect failed: %s", error)
                delay = min(delay * 2, 30.0)

    def _send_ack(self, mid: int, qos: int) -> None:
        if self.is_connected:
            self._client.ack(mid, qos)

    def _dispatch(self, message: ReceivedMessage, mid: int) -> None:
        token = self._acks.received(mid, message.qos) if message.qos > 0 else None
        topic = message.topic
        try:
            handler = self._routes[topic]
        except KeyError:
            handler = next((h for f, _, h in self._handlers if _filter_matches(f, topic)), None)
            if len(self._routes) >= _MAX_ROUTES:
                self._routes.clear()
            self._routes[topic] = handler
        task = asyncio.ensure_future(self._handle(handler, message, token))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(
        self, handler: RawHandler | None, message: ReceivedMessage, token: list[Any] | None
    ) -> None:
        try:
            if handler is not None:
                async with self._semaphore:
                    await handler(message)
        except asyncio.CancelledError:
            # Not processed (shutdown, abort): never acknowledge, so the broker redelivers (P-QOS-7).
            raise
        except Exception:
            _log.exception("message handler failed on %s", message.topic)
        if token is not None:
            self._acks.done(token)  # P-QOS-4: acknowledge after processing

    def _subscribe_kwargs(self, qos: int) -> dict[str, Any]:
        return {"options": SubscribeOptions(qos=qos)} if self._mqtt5 else {"qos": qos}

    async def _await_mid(self, rc: int, mid: int | None, what: str) -> Any:
        if rc != mqtt.MQTT_ERR_SUCCESS or mid is None:
            raise SfnSystemError(f"{what} failed: {mqtt.error_string(rc)}")
        loop = asyncio.get_running_loop()
        with self._lock:
            if mid in self._early:
                return self._early.pop(mid)
            future: asyncio.Future[Any] = loop.create_future()
            self._pending[mid] = future
        return await future

    async def connect(self, *, timeout: float = 10.0) -> None:
        """Connects; handlers registered with ``add_handler`` before this receive queued session messages."""
        self._loop = asyncio.get_running_loop()
        self._connected = self._loop.create_future()
        kwargs: dict[str, Any] = {}
        if self._mqtt5:
            props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            if self.options.session_expiry_interval > 0:
                props.SessionExpiryInterval = self.options.session_expiry_interval
            kwargs = {"clean_start": self.options.clean_start, "properties": props}
        try:
            self._client.connect_async(self._host, self._port, self.options.keepalive, **kwargs)
            self._client.reconnect()  # a blocking TCP connect; CONNECT/CONNACK then flow through the loop
        except (OSError, ValueError) as error:
            raise SfnSystemError(f"cannot connect to the broker: {error}") from None
        try:
            await asyncio.wait_for(asyncio.shield(self._connected), timeout)
        except asyncio.TimeoutError:
            await self.abort()
            raise SfnSystemError(f"broker {self._host}:{self._port} did not answer in {timeout}s") from None

    def add_handler(self, topic_filter: str, qos: int, handler: RawHandler) -> None:
        self._handlers.append((topic_filter, qos, handler))
        self._routes.clear()

    def remove_handler(self, topic_filter: str) -> None:
        self._handlers = [entry for entry in self._handlers if entry[0] != topic_filter]
        self._routes.clear()

    async def subscribe(self, topic_filter: str, qos: int, handler: RawHandler) -> None:
        """Subscribes and waits for the SUBACK."""
        self.add_handler(topic_filter, qos, handler)
        rc, mid = self._client.subscribe(topic_filter, **self._subscribe_kwargs(qos))
        codes = await self._await_mid(rc, mid, "subscribe")
        if any(code >= 0x80 for code in codes):
            self.remove_handler(topic_filter)
            raise SfnSystemError(f"broker refused the subscription to '{topic_filter}'")

    async def unsubscribe(self, topic_filter: str) -> None:
        self.remove_handler(topic_filter)
        rc, mid = self._client.unsubscribe(topic_filter)
        await self._await_mid(rc, mid, "unsubscribe")

    def _publish_properties(self, mirrored: MqttPublishProperties | None) -> Properties | None:
        if not self._mqtt5 or mirrored is None:
            return None
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if mirrored.payload_format_indicator is not None:
            props.PayloadFormatIndicator = mirrored.payload_format_indicator
        if mirrored.message_expiry_interval is not None:
            props.MessageExpiryInterval = mirrored.message_expiry_interval
        props.ContentType = mirrored.content_type
        if mirrored.response_topic is not None:
            props.ResponseTopic = mirrored.response_topic
        if mirrored.correlation_data is not None:
            props.CorrelationData = mirrored.correlation_data
        if mirrored.user_properties:
            props.UserProperty = list(mirrored.user_properties)
        return props

    async def publish(
        self,
        topic: str,
        payload: bytes,
        *,
        qos: int = 1,
        properties: MqttPublishProperties | None = None,
        wait: bool = True,
    ) -> None:
        """Publishes (RETAIN 0, P-QOS-2); with ``wait`` a QoS 1 publish resolves on its PUBACK."""
        if not self.is_connected:
            raise SfnSystemError("not connected to the broker")
        info = self._client.publish(
            topic, payload, qos=qos, retain=False, properties=self._publish_properties(properties)
        )
        if qos == 0 or not wait:
            return
        reason = await self._await_mid(info.rc, info.mid, "publish")
        if isinstance(reason, int) and reason >= 0x80:
            raise SfnSystemError(f"broker refused the publish (reason 0x{reason:02x})")

    async def close(self, *, end_session: bool = False) -> None:
        """Disconnects. ``end_session`` ends a persistent session (Session Expiry 0, P-QOS-7)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._closing = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
        props = None
        if self._mqtt5 and end_session:
            props = Properties(PacketTypes.DISCONNECT)  # type: ignore[no-untyped-call]
            props.SessionExpiryInterval = 0
        if self.is_connected and self._loop is not None:
            self._closed = self._loop.create_future()
            self._client.disconnect(properties=props)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._closed, 2.0)
        await self.abort()

    async def abort(self) -> None:
        """Drops the connection without DISCONNECT, as a crash would (unacknowledged calls come back)."""
        self._closing = True
        if self._misc is not None:
            self._misc.cancel()
        sock = self._client.socket()
        if sock is not None:
            self._on_socket_close(self._client, None, sock)
            with contextlib.suppress(OSError):
                sock.close()
        for task in list(self._tasks):
            task.cancel()
        self.is_connected = False


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


__all__ = ["Connection", "ConnectionOptions", "ErrorCodes", "RawHandler", "ReceivedMessage"]

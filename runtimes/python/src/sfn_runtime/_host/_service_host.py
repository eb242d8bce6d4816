"""ServiceHost: runs one service's functions on N persistent MQTT connections in one shared-subscription
group, acknowledging each call after it was processed (P-QOS-4..7)."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from typing import Any, Literal

from .._messaging._bound import BoundMessaging, IncomingCall
from .._messaging._client import MessagingClient
from .._messaging._connection import Connection, ConnectionOptions, ReceivedMessage
from .._wire._constants import DEFAULT_MAX_PAYLOAD_BYTES
from .._wire._envelope import encode_envelope
from .._wire._properties import MqttPublishProperties, mqtt_properties_for
from .._wire._topics import service_topic, shared_service_subscription
from ..errors import ValidationError
from ..generated.wire_types import Envelope, UserContext
from ._authoring import ServiceDefinition, service_from_class
from ._contract import compile_contract
from ._health import HealthServer
from ._pipeline import CallPipeline, MessagingFor, Metrics, PipelineOptions, RetryPolicy

_log = logging.getLogger("sfn_runtime.host")
HostState = Literal["created", "starting", "running", "draining", "stopped"]


class ServiceHost:
    """Hosts one service. ``await host.start()`` … ``await host.stop()``, or ``async with``."""

    def __init__(
        self,
        service: ServiceDefinition | type[Any],
        contract: Mapping[str, Any],
        *,
        mqtt_url: str,
        authenticator: Any = None,
        data_stores: Any = None,
        messaging_for: MessagingFor | None = None,
        function_messaging: bool = True,
        concurrency: int = 64,
        connections: int = 4,
        replica_id: str = "0",
        prefix: str | None = None,
        group: str | None = None,
        protocol_level: int = 5,
        shared_subscription: bool | None = None,
        mirror_properties: bool = True,
        username: str | None = None,
        password: str | None = None,
        keepalive: int = 60,
        session_expiry_interval: int = 3600,
        max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES,
        retry: RetryPolicy | None = None,
        dedup: bool = True,
        dedup_ttl_seconds: int = 24 * 3600,
        validate_output: bool = False,
        config: Mapping[str, Any] | None = None,
        health_port: int | None = None,
    ) -> None:
        """``protocol_level`` is 5 (MQTT 5.0) or 4 (3.1.1, P-TRN-1). ``shared_subscription``: None detects
        it from the CONNACK at MQTT 5 and means *not available* at 3.1.1 (P-TRN-3); False always uses
        the plain filter (then one connection, one replica). ``function_messaging`` gives functions a
        ``messaging`` of their own (one more connection) for one-way messages, binary transfers and
        nested calls, unless ``messaging_for`` binds another one."""
        if protocol_level not in (4, 5):
            raise ValidationError(f"protocol_level must be 4 (MQTT 3.1.1) or 5, not {protocol_level}")
        definition = service if isinstance(service, ServiceDefinition) else service_from_class(service)
        typed, functions = compile_contract(dict(contract))
        if typed.service != definition.name:
            raise ValidationError(f"the contract describes '{typed.service}', not '{definition.name}'")
        missing = sorted(set(functions) - set(definition.functions))
        if missing:
            raise ValidationError(f"functions {missing} of the contract have no implementation")
        if any(f.authenticated for f in functions.values()) and authenticator is None:
            raise ValidationError("an authenticator is required: some functions are authenticated")
        self.name = definition.name
        self.pipeline = CallPipeline(
            definition,
            functions,
            PipelineOptions(
                service=definition.name,
                prefix=prefix,
                max_payload_bytes=max_payload_bytes,
                retry=retry or RetryPolicy(),
                dedup=dedup,
                dedup_ttl_seconds=dedup_ttl_seconds,
                validate_output=validate_output,
                config=dict(config or {}),
            ),
            authenticator=authenticator,
            data_stores=data_stores,
            messaging_for=messaging_for or (self._function_messaging if function_messaging else None),
        )
        self.protocol_level = protocol_level
        self._mirror = mirror_properties and protocol_level == 5
        self._shared_filter = shared_service_subscription(definition.name, prefix=prefix, group=group)
        self._plain_filter = service_topic(definition.name, prefix=prefix)
        # P-TRN-3: at 3.1.1 availability cannot be detected and comes from configuration (default: no).
        wants_shared = shared_subscription is not False and (protocol_level == 5 or shared_subscription)
        self._filter = self._shared_filter if wants_shared else self._plain_filter
        self._filter_reason = (
            "shared subscriptions disabled by configuration"
            if shared_subscription is False
            else "MQTT 3.1.1 cannot detect shared subscriptions and none are configured"
            if not wants_shared
            else "shared subscriptions configured for MQTT 3.1.1"
            if protocol_level == 4
            else "the broker reports shared subscriptions available"
        )
        # A plain filter delivers every call to every subscriber: then one connection only.
        # The names of @sfn/runtime: `concurrency` calls at once, spread over `connections` connections of
        # the shared group (a plain filter delivers every call to every subscriber: then one connection).
        for setting, value in (("concurrency", concurrency), ("connections", connections)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationError(f"{setting} must be a positive integer", details={"setting": setting})
        count = min(connections, concurrency) if wants_shared else 1
        calls_per_connection = -(-concurrency // count)  # ceiling
        self._connections = [
            self._new_connection(
                mqtt_url,
                replica_id,
                index,
                keepalive,
                session_expiry_interval,
                calls_per_connection,
                username,
                password,
            )
            for index in range(count)
        ]
        self._messaging_client = (
            MessagingClient(
                mqtt_url,
                client_id=f"sfn-{definition.name}-{replica_id}-out-{secrets.token_hex(4)}",
                protocol_level=protocol_level,
                prefix=prefix,
                mirror_properties=mirror_properties,
                max_payload_bytes=max_payload_bytes,
                username=username,
                password=password,
            )
            if function_messaging and messaging_for is None
            else None
        )
        self.health = HealthServer(self, port=health_port) if health_port is not None else None
        self.state: HostState = "created"
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def _new_connection(
        self,
        url: str,
        replica_id: str,
        index: int,
        keepalive: int,
        session_expiry_interval: int,
        calls_per_connection: int,
        username: str | None,
        password: str | None,
    ) -> Connection:
        return Connection(
            ConnectionOptions(
                url=url,
                client_id=f"sfn-{self.name}-{replica_id}-{index}",  # stable per replica (P-QOS-5)
                protocol_level=self.protocol_level,
                clean_start=False,
                session_expiry_interval=session_expiry_interval,
                keepalive=keepalive,
                username=username,
                password=password,
                # more than one call per connection: a nested call to this service may land on the
                # connection whose call is waiting for it
                max_concurrency=calls_per_connection,
            )
        )

    def _function_messaging(self, user: UserContext | None, incoming: IncomingCall) -> BoundMessaging | None:
        client = self._messaging_client
        return None if client is None else BoundMessaging(client, user, incoming=incoming)

    @property
    def subscription_filter(self) -> str:
        """The filter the host subscribed with (shared or plain, P-TRN-3)."""
        return self._filter

    @property
    def metrics(self) -> Metrics:
        return self.pipeline.metrics

    @property
    def in_flight(self) -> int:
        return self._inflight

    @property
    def ready(self) -> bool:
        return self.state == "running" and all(c.is_connected for c in self._connections)

    async def __aenter__(self) -> ServiceHost:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    def _handler(self, connection: Connection) -> Callable[[ReceivedMessage], Any]:
        async def publish(topic: str, envelope: Envelope) -> None:
            properties = mqtt_properties_for(envelope)
            if not self._mirror:  # P-PROP-2: the expiry stays even without mirroring
                properties = MqttPublishProperties(message_expiry_interval=properties.message_expiry_interval)
            await connection.publish(topic, encode_envelope(envelope), properties=properties, wait=False)

        async def handle(message: ReceivedMessage) -> None:
            if self.state not in ("running", "starting"):
                await asyncio.sleep(3600)  # draining: never acknowledge, the broker redelivers (P-QOS-7)
            self._inflight += 1
            self._idle.clear()
            try:
                await self.pipeline.process(message, publish)
            finally:
                self._inflight -= 1
                if self._inflight == 0:
                    self._idle.set()

        return handle

    async def start(self) -> None:
        self.state = "starting"
        if self.health is not None:
            await self.health.start()
        if self._messaging_client is not None:
            await self._messaging_client.connect()
        for index, connection in enumerate(self._connections):
            handler = self._handler(connection)
            connection.add_handler(self._filter, 1, handler)  # P-TRN-6: before CONNECT
            await connection.connect()
            connection.remove_handler(self._filter)
            if (
                index == 0
                and self._filter == self._shared_filter
                and self.protocol_level == 5
                and not connection.shared_subscriptions_available
            ):
                # P-TRN-3: the CONNACK says $share/ does not work; one plain subscriber only
                self._filter = self._plain_filter
                self._filter_reason = "the broker reports no shared subscriptions: run exactly one replica"
                for extra in self._connections[1:]:
                    await extra.close()
                self._connections = self._connections[:1]
            await connection.subscribe(self._filter, 1, handler)
            if self._filter == self._plain_filter:
                break
        _log.info(
            "service %s subscribed with '%s' on %d connection(s), MQTT %s: %s",
            self.name,
            self._filter,
            len(self._connections),
            "5.0" if self.protocol_level == 5 else "3.1.1",
            self._filter_reason,
        )
        self.state = "running"

    async def stop(self, *, grace_seconds: float = 10.0, leave: bool = False) -> None:
        """Stops taking calls, lets in-flight ones finish within the grace period, disconnects."""
        self.state = "draining"
        try:
            await asyncio.wait_for(self._idle.wait(), grace_seconds)
        except asyncio.TimeoutError:
            _log.warning("%d call(s) unfinished at shutdown; they will be redelivered", self._inflight)
        for connection in self._connections:
            for task in list(connection._tasks):
                if not task.done():
                    task.cancel()
            await connection.close(end_session=leave)
        if self._messaging_client is not None:
            await self._messaging_client.close()
        self.state = "stopped"
        if self.health is not None:
            await self.health.stop()

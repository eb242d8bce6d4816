"""ServiceHost: runs one service's functions on N persistent MQTT connections in one shared-subscription
group, acknowledging each call after it was processed (P-QOS-4..7)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, Literal

from .._messaging._connection import Connection, ConnectionOptions, ReceivedMessage
from .._wire._constants import DEFAULT_MAX_PAYLOAD_BYTES
from .._wire._envelope import encode_envelope
from .._wire._properties import mqtt_properties_for
from .._wire._topics import service_topic, shared_service_subscription
from ..errors import ValidationError
from ..generated.wire_types import Envelope, UserContext
from ._authoring import ServiceDefinition, service_from_class
from ._contract import compile_contract
from ._health import HealthServer
from ._pipeline import CallPipeline, Metrics, PipelineOptions, RetryPolicy

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
        messaging_for: Callable[[UserContext | None], Any] | None = None,
        concurrency: int = 4,
        replica_id: str = "0",
        prefix: str | None = None,
        group: str | None = None,
        shared_subscription: bool = True,
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
            messaging_for=messaging_for,
        )
        self._filter = (
            shared_service_subscription(definition.name, prefix=prefix, group=group)
            if shared_subscription
            else service_topic(definition.name, prefix=prefix)
        )
        self._connections = [
            Connection(
                ConnectionOptions(
                    url=mqtt_url,
                    client_id=f"sfn-{definition.name}-{replica_id}-{index}",  # stable per replica (P-QOS-5)
                    clean_start=False,
                    session_expiry_interval=session_expiry_interval,
                    keepalive=keepalive,
                    max_concurrency=1,
                )
            )
            for index in range(concurrency)
        ]
        self.health = HealthServer(self, port=health_port) if health_port is not None else None
        self.state: HostState = "created"
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()

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
            await connection.publish(
                topic, encode_envelope(envelope), properties=mqtt_properties_for(envelope), wait=False
            )

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
        for connection in self._connections:
            handler = self._handler(connection)
            connection.add_handler(self._filter, 1, handler)  # P-TRN-6: before CONNECT
            await connection.connect()
            if not connection.shared_subscriptions_available and self._filter.startswith("$share/"):
                raise ValidationError("the broker has no shared subscriptions; use shared_subscription=False")
            connection.remove_handler(self._filter)
            await connection.subscribe(self._filter, 1, handler)
        _log.info(
            "service %s subscribed with '%s' on %d connection(s), MQTT 5",
            self.name,
            self._filter,
            len(self._connections),
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
        self.state = "stopped"
        if self.health is not None:
            await self.health.stop()

"""A broker restart: the host's persistent sessions resume and every connection subscribes again, so
calls keep flowing (delivery.kill.broker-restart). Mosquitto 2.0 restores a persisted session without
its $share/ subscriptions, which a host that trusted "session present" would never notice."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest_asyncio

from sfn_runtime.host import ServiceHost, function, service
from sfn_runtime.messaging import MessagingClient

from ._private_broker import PrivateBroker

CONTRACT: dict[str, Any] = {
    "service": "PyRestart",
    "schemaVersion": "1.0.0",
    "functions": {"echo": {"input": "Any", "output": "Any", "authenticated": False}},
    "definitions": {"Any": {}},
}


@service("PyRestart")
class PyRestart:
    @function("echo")
    async def echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return parameters


@pytest_asyncio.fixture
async def broker() -> AsyncIterator[PrivateBroker]:
    private = PrivateBroker()
    await private.start()
    try:
        yield private
    finally:
        await private.dispose()


async def test_calls_flow_again_after_the_broker_restarts(broker: PrivateBroker) -> None:
    host = ServiceHost(
        PyRestart, CONTRACT, mqtt_url=broker.url, replica_id=secrets.token_hex(4), connections=2
    )
    async with host, MessagingClient(broker.url) as caller:
        assert host.subscription_filter.startswith("$share/sfn-PyRestart/")
        assert await caller.call("PyRestart", "echo", {"n": 1}, timeout=timedelta(seconds=5)) == {"n": 1}
        await broker.stop()
        await broker.start()
        for _ in range(200):  # both reconnect by themselves (backoff from 0.5 s)
            if host.ready and caller.connection.is_connected:
                break
            await asyncio.sleep(0.05)
        assert host.ready
        # the caller's reply subscription comes back the same way as the host's $share/ filter
        assert await caller.call("PyRestart", "echo", {"n": 2}, timeout=timedelta(seconds=20)) == {"n": 2}
        await host.stop(leave=True)

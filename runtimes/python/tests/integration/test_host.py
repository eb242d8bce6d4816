"""The ServiceHost end to end on the fixture: @service/@function, tokens, validation, dedup, errors."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from sfn_runtime.authenticator import OidcAuthenticator
from sfn_runtime.errors import (
    BusinessLogicError,
    NotFoundError,
    SfnSystemError,
    SfnTimeoutError,
    UnauthorizedError,
    ValidationError,
)
from sfn_runtime.generated.wire_types import Envelope, UserContext
from sfn_runtime.host import RetryPolicy, ServiceHost, function, service
from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import dead_letter_topic

from ._tokens import mint_token
from .conftest import MQTT_URL, OIDC_AUDIENCE, OIDC_ISSUER

CONTRACT: dict[str, Any] = {
    "service": "PyEcho",
    "schemaVersion": "1.0.0",
    "functions": {
        "echo": {"input": "EchoInput", "output": "EchoOutput"},
        "whoami": {"input": "Empty", "output": "Any"},
        "fail": {"input": "Empty", "output": "Any"},
        "crash": {"input": "Empty", "output": "Any"},
        "slow": {"input": "Empty", "output": "Any", "timeoutMs": 200},
        "public": {"input": "Empty", "output": "Any", "authenticated": False},
    },
    "definitions": {
        "EchoInput": {
            "type": "object",
            "properties": {
                "text": {"type": "string", "maxLength": 100},
                "email": {"type": "string", "format": "email"},
            },
            "required": ["text"],
            "additionalProperties": False,
        },
        "EchoOutput": {"type": "object"},
        "Empty": {"type": "object"},
        "Any": {},
    },
}
CRASHES: list[int] = []


@service("PyEcho")
class PyEcho:
    def __init__(self, user: UserContext | None) -> None:
        self.user = user

    @function("echo")
    async def echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"text": parameters["text"]}

    @function("whoami")
    async def whoami(self, _: dict[str, Any]) -> str | None:
        return None if self.user is None else self.user.user_id

    @function("fail")
    async def fail(self, _: dict[str, Any]) -> None:
        raise BusinessLogicError("not today", code="NOT_TODAY")

    @function("crash")
    async def crash(self, _: dict[str, Any]) -> None:
        CRASHES.append(1)
        raise RuntimeError("secret internals")

    @function("slow")
    async def slow(self, _: dict[str, Any]) -> None:
        await asyncio.sleep(5)

    @function("public")
    async def public(self, _: dict[str, Any]) -> str:
        return "hello" if self.user is None else f"hello {self.user.user_id}"


@pytest.fixture
async def running(prefix: str) -> AsyncIterator[tuple[MessagingClient, str]]:
    async with OidcAuthenticator(OIDC_ISSUER, audience=OIDC_AUDIENCE) as authenticator:
        host = ServiceHost(
            PyEcho,
            CONTRACT,
            mqtt_url=MQTT_URL,
            authenticator=authenticator,
            prefix=prefix,
            replica_id=secrets.token_hex(4),
            connections=2,
            retry=RetryPolicy(base_ms=1, max_delay_ms=5),
        )
        async with host, MessagingClient(MQTT_URL, prefix=prefix) as caller:
            yield caller, await mint_token("alice")
        await host.stop(leave=True)


def _auth(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_call_with_a_token(running: tuple[MessagingClient, str]) -> None:
    caller, token = running
    result = await caller.call(
        "PyEcho", "echo", {"text": "hi"}, headers=_auth(token), timeout=timedelta(seconds=5)
    )
    assert result == {"text": "hi"}
    assert await caller.call("PyEcho", "whoami", {}, headers=_auth(token), timeout=timedelta(seconds=5))


async def test_missing_token_and_unknown_function(running: tuple[MessagingClient, str]) -> None:
    caller, token = running
    with pytest.raises(UnauthorizedError) as unauthorized:
        await caller.call("PyEcho", "echo", {"text": "hi"}, timeout=timedelta(seconds=5))
    assert unauthorized.value.details == {"reason": "token_missing"}
    with pytest.raises(UnauthorizedError):  # no enumeration of functions without a token
        await caller.call("PyEcho", "nope", {}, timeout=timedelta(seconds=5))
    with pytest.raises(NotFoundError) as not_found:
        await caller.call("PyEcho", "nope", {}, headers=_auth(token), timeout=timedelta(seconds=5))
    assert not_found.value.code == "SFN_FUNCTION_NOT_FOUND"
    assert await caller.call("PyEcho", "public", {}, timeout=timedelta(seconds=5)) == "hello"


async def test_parameters_are_validated_with_all_violations(running: tuple[MessagingClient, str]) -> None:
    caller, token = running
    with pytest.raises(ValidationError) as caught:
        await caller.call(
            "PyEcho",
            "echo",
            {"email": "not-an-email", "x": 1},
            headers=_auth(token),
            timeout=timedelta(seconds=5),
        )
    assert caught.value.code == "SFN_PARAMETERS_INVALID"
    paths = {v["path"] for v in caught.value.details["violations"]}
    assert {"/body/parameters/text", "/body/parameters/email", "/body/parameters"} <= paths


async def test_errors_timeouts_and_dead_letters(running: tuple[MessagingClient, str], prefix: str) -> None:
    caller, token = running
    with pytest.raises(BusinessLogicError) as business:
        await caller.call("PyEcho", "fail", {}, headers=_auth(token), timeout=timedelta(seconds=5))
    assert business.value.code == "NOT_TODAY"
    dead_letters: asyncio.Queue[Envelope] = asyncio.Queue()

    async def on_dead_letter(envelope: Envelope) -> None:
        await dead_letters.put(envelope)

    await caller.subscribe(dead_letter_topic("PyEcho", prefix=prefix), on_dead_letter)
    CRASHES.clear()
    with pytest.raises(SfnSystemError) as crash:
        await caller.call("PyEcho", "crash", {}, headers=_auth(token), timeout=timedelta(seconds=5))
    assert crash.value.to_error_info() == {
        "type": "SystemError",
        "code": "SFN_INTERNAL",
        "message": "internal error",
    }
    letter = await asyncio.wait_for(dead_letters.get(), 5)
    assert letter.body["function"] == "crash"
    assert "authorization" not in letter.body["envelope"]["headers"]
    with pytest.raises(SfnTimeoutError) as slow:
        await caller.call("PyEcho", "slow", {}, headers=_auth(token), timeout=timedelta(seconds=5))
    assert slow.value.code == "SFN_TIMEOUT"


async def test_expired_deadline_and_poison_keep_the_host_serving(
    running: tuple[MessagingClient, str], prefix: str
) -> None:
    caller, token = running
    topic = f"{prefix}/service/PyEcho"
    await caller.connection.publish(topic, b"\xff not json")
    await caller.connection.publish(topic, b'{"replyTo": "a/+"}')
    with pytest.raises(SfnTimeoutError) as expired:
        await caller.send_and_wait(
            topic,
            {"function": "echo", "parameters": {"text": "x"}},
            timedelta(milliseconds=1),
            headers=_auth(token),
        )
    assert expired.value.code in ("SFN_DEADLINE_EXPIRED", "SFN_REPLY_TIMEOUT")
    assert await caller.call(
        "PyEcho", "echo", {"text": "ok"}, headers=_auth(token), timeout=timedelta(seconds=5)
    )


async def test_health_readiness_and_metrics(prefix: str) -> None:
    import httpx

    async with OidcAuthenticator(OIDC_ISSUER, audience=OIDC_AUDIENCE) as authenticator:
        host = ServiceHost(
            PyEcho,
            CONTRACT,
            mqtt_url=MQTT_URL,
            authenticator=authenticator,
            prefix=prefix,
            replica_id=secrets.token_hex(4),
            connections=1,
            health_port=0,
        )
        async with host, httpx.AsyncClient() as http:
            assert host.health is not None
            base = f"http://127.0.0.1:{host.health.port}"
            assert (await http.get(f"{base}/healthz")).status_code == 200
            assert (await http.get(f"{base}/readyz")).status_code == 200
            metrics = (await http.get(f"{base}/metrics")).text
            assert 'sfn_calls_total{service="PyEcho"} 0' in metrics
            await host.stop(leave=True)

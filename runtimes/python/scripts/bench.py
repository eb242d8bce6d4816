"""Echo benchmark: calls/s and latency percentiles of a Python ServiceHost answering a Python caller on
the fixture's broker. Usage: scripts/venv.sh python scripts/bench.py [--calls N] [--in-flight K]"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import time
from datetime import timedelta
from typing import Any

import httpx

from sfn_runtime.authenticator import OidcAuthenticator
from sfn_runtime.host import ServiceHost, function, service
from sfn_runtime.messaging import MessagingClient

CONTRACT = {
    "service": "PyBench",
    "schemaVersion": "1.0.0",
    "functions": {
        "echo": {"input": "Any", "output": "Any", "authenticated": False, "idempotent": True},
        "echoAuth": {"input": "Any", "output": "Any", "idempotent": True},
    },
    "definitions": {"Any": {"type": "object"}},
}
ISSUER = os.environ.get("SFN_OIDC_ISSUER", "http://127.0.0.1:18900")
AUDIENCE = os.environ.get("SFN_OIDC_AUDIENCE", "urn:sfn:api")


@service("PyBench")
class PyBench:
    @function("echo")
    async def echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return parameters

    @function("echoAuth")
    async def echo_auth(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return parameters


async def mint_token() -> str:
    """A fixture token for alice (test-user grant, as packages/testkit mints them)."""
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(f"{ISSUER}/.well-known/openid-configuration")).json()
        response = await http.post(
            metadata["token_endpoint"],
            data={
                "grant_type": "urn:sfn:params:oauth:grant-type:test-user",
                "username": "alice",
                "resource": AUDIENCE,
            },
            auth=("sfn-test", "sfn-test-secret"),
        )
        return str(response.json()["access_token"])


URL = os.environ.get("SFN_MQTT_URL", "mqtt://127.0.0.1:18830")


async def run_host(prefix: str, concurrency: int, ready: Any) -> None:
    authenticator = OidcAuthenticator(ISSUER, audience=AUDIENCE)
    host = ServiceHost(
        PyBench,
        CONTRACT,
        mqtt_url=URL,
        prefix=prefix,
        concurrency=concurrency,
        replica_id=secrets.token_hex(4),
        authenticator=authenticator,
    )
    async with host:
        ready.set()
        await asyncio.sleep(3600)


def host_process(prefix: str, concurrency: int, ready: Any) -> None:
    asyncio.run(run_host(prefix, concurrency, ready))


async def main(calls: int, in_flight: int, concurrency: int, auth: bool) -> None:
    """The host runs in its own process (as a deployed replica would), the caller in this one."""
    prefix = f"bench-{secrets.token_hex(4)}"
    ready = multiprocessing.Event()
    child = multiprocessing.Process(target=host_process, args=(prefix, concurrency, ready), daemon=True)
    child.start()
    ready.wait(30)
    name = "echoAuth" if auth else "echo"
    headers = {"authorization": f"Bearer {await mint_token()}"} if auth else {}
    async with MessagingClient(URL, prefix=prefix) as caller:
        for _ in range(200):  # warm-up
            await caller.call("PyBench", name, {"n": 0}, headers=headers, timeout=timedelta(seconds=10))
        latencies: list[float] = []
        gate = asyncio.Semaphore(in_flight)

        async def one(i: int) -> None:
            async with gate:
                start = time.perf_counter()
                await caller.call("PyBench", name, {"n": i}, headers=headers, timeout=timedelta(seconds=30))
                latencies.append(time.perf_counter() - start)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(calls)))
        elapsed = time.perf_counter() - started
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

        print(
            f"python {name}: {calls} calls, {in_flight} in flight, {concurrency} host connection(s): "
            f"{calls / elapsed:.0f} calls/s, p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms"
        )
    child.terminate()
    child.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--auth", action="store_true", help="a bearer token on every call (validated, cached)"
    )
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.in_flight, args.concurrency, args.auth))

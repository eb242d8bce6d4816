"""Echo benchmark, Python host vs Node host, in one run on the same broker.

Both hosts are the languages' conformance services (conformance/contract.json), launched from their
conformance/runtimes/<lang>.json as the conformance runner launches them: the Python one is
sfn_runtime's ServiceHost, the Node one @sfn/runtime. Each runs in its own process with the same
settings (each host's default SFN_CONCURRENCY — calls at once, 64 in both — unless --concurrency is
given; output validation off), one after the other, against the
fixture's Mosquitto, PostgreSQL and issuer. One Python caller process drives both the same way.

Rows per host:
  - publicEcho with alice's token: envelope + parameter validation, JWT validated then cached, no database;
  - echo: the same plus exactly-once de-duplication (a PostgreSQL transaction and sfn.processed_calls row);
each closed-loop with --in-flight calls outstanding and sequentially (one in flight), then open-loop at a
fixed --rate calls/s (the design floor is 1,000 calls/s per instance) for p99 at that load.

Usage (from runtimes/python, Node 22 on PATH: source ../../scripts/lib/toolchain.sh && sfn_ensure_toolchain):
  scripts/venv.sh python scripts/bench.py [--calls N] [--in-flight K] [--rate R] [--hosts python,node]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import create_call_envelope, new_session_id
from tests.integration._launch import Database, LaunchedService
from tests.integration._tokens import mint_token
from tests.integration.conftest import MQTT_URL

Call = Callable[[], Awaitable[None]]


@dataclass
class Row:
    host: str
    what: str
    calls: int
    seconds: float
    latencies: list[float]
    #: CPU time of the host process per call (user + system), independent of what else runs.
    cpu_ms: float = 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    @property
    def rate(self) -> float:
        return self.calls / self.seconds

    def line(self) -> str:
        return (
            f"{self.host:<7} {self.what:<62} {self.rate:>7,.0f} calls/s  "
            f"p50 {self.pct(0.5):7.1f} ms  p99 {self.pct(0.99):7.1f} ms  host CPU {self.cpu_ms:.3f} ms/call"
        )


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Driver:
    """Publishes call envelopes and matches replies by callId on one session reply topic."""

    def __init__(self, client: MessagingClient, prefix: str, token: str) -> None:
        self.client = client
        self.topic = f"{prefix}/service/Conformance"
        self.reply_to = f"{prefix}/reply/{new_session_id()}"
        self.token = token
        self._pending: dict[str, asyncio.Future[None]] = {}

    async def start(self) -> None:
        async def on_reply(envelope: object) -> None:
            call_id = getattr(envelope, "call_id", None)
            future = self._pending.pop(call_id, None) if isinstance(call_id, str) else None
            body = getattr(envelope, "body", None)
            if future is not None and not future.done():
                if isinstance(body, dict) and body.get("status") == "success":
                    future.set_result(None)
                else:
                    future.set_exception(RuntimeError(f"error reply: {body}"))

        await self.client.subscribe(self.reply_to, on_reply)

    def call(self, function: str) -> Call:
        async def one() -> None:
            envelope = create_call_envelope(
                function=function,
                parameters={"value": {"text": "hello"}},
                reply_to=self.reply_to,
                headers={"authorization": f"Bearer {self.token}"},
                timeout_ms=60_000,
            )
            assert envelope.call_id is not None
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._pending[envelope.call_id] = done
            await self.client.publish_envelope(self.topic, envelope, wait=False)
            await asyncio.wait_for(done, 60)

        return one


async def closed_loop(call: Call, calls: int, in_flight: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    gate = asyncio.Semaphore(in_flight)

    async def one() -> None:
        async with gate:
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(calls)))
    return time.perf_counter() - started, latencies


async def open_loop(call: Call, rate: int, seconds: float) -> tuple[float, list[float]]:
    """Starts calls on a fixed schedule, whatever the replies do (latency at a given load)."""
    latencies: list[float] = []
    tasks: list[asyncio.Task[None]] = []

    async def one() -> None:
        start = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one()))
    await asyncio.gather(*tasks)
    return time.perf_counter() - started, latencies


async def bench_host(language: str, database: Database, args: argparse.Namespace, token: str) -> list[Row]:
    prefix = f"bench-{language}-{secrets.token_hex(3)}"
    service = LaunchedService(
        prefix=prefix,
        database_url=database.url,
        language=language,
        quiet=True,
        extra_env={
            **({} if args.concurrency is None else {"SFN_CONCURRENCY": str(args.concurrency)}),
            "SFN_VALIDATE_OUTPUT": "false",
            "SFN_LOG_LEVEL": "warn" if language == "node" else "WARNING",
        },
    )
    await service.build()
    await service.start()
    rows: list[Row] = []
    try:
        async with MessagingClient(MQTT_URL, prefix=prefix) as client:
            driver = Driver(client, prefix, token)
            await driver.start()
            assert service.process is not None
            pid = service.process.pid
            for function, what in (
                ("publicEcho", "echo, token validated+cached, no dedup"),
                ("echo", "echo, dedup on (PostgreSQL per call)"),
            ):
                call = driver.call(function)
                await closed_loop(call, args.warmup, args.in_flight)
                runs: list[tuple[str, Callable[[], Awaitable[tuple[float, list[float]]]], int]] = [
                    (
                        f"{args.in_flight} in flight",
                        partial(closed_loop, call, args.calls, args.in_flight),
                        args.calls,
                    ),
                    ("sequential", partial(closed_loop, call, args.sequential, 1), args.sequential),
                    (
                        f"open loop {args.rate}/s",
                        partial(open_loop, call, args.rate, args.open_seconds),
                        int(args.rate * args.open_seconds),
                    ),
                ]
                for label, run, calls in runs:
                    cpu = process_cpu_seconds(pid)
                    seconds, latencies = await run()
                    cpu_ms = (process_cpu_seconds(pid) - cpu) * 1000 / calls
                    rows.append(Row(language, f"{what}, {label}", calls, seconds, latencies, cpu_ms))
                    print(rows[-1].line(), flush=True)
    finally:
        await service.stop()
    return rows


async def main(args: argparse.Namespace) -> None:
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    print(
        f"N={args.calls} closed loop at {args.in_flight} in flight, {args.sequential} sequential, "
        f"open loop {args.rate}/s for {args.open_seconds} s, {args.warmup} warm-up; "
        f"SFN_CONCURRENCY={args.concurrency or 'each host default'}; hosts: {', '.join(hosts)}; "
        f"broker {MQTT_URL}; "
        f"load average at start {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    database = await Database.create()
    try:
        token = await mint_token("alice")
        rows = [row for host in hosts for row in await bench_host(host, database, args, token)]
    finally:
        await database.drop()
    if "python" in hosts and "node" in hosts:
        print("\nratio python / node (calls/s; p99; host CPU per call):")
        python = {r.what: r for r in rows if r.host == "python"}
        for node in (r for r in rows if r.host == "node"):
            py = python[node.what]
            cpu = py.cpu_ms / node.cpu_ms if node.cpu_ms > 0 else float("nan")
            print(
                f"  {node.what:<62} {py.rate / node.rate:5.2f}   p99 {py.pct(0.99) / node.pct(0.99):5.2f}"
                f"   CPU {cpu:5.2f}"
            )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2-core machine, shared)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--open-seconds", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=None, help="calls at once (default: the hosts')")
    parser.add_argument("--hosts", default="python,node")
    asyncio.run(main(parser.parse_args()))

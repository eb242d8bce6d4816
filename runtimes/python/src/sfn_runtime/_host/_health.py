"""``/healthz`` (alive while not stopped), ``/readyz`` (subscribed and taking calls) and ``/metrics``
(Prometheus text), the same endpoints as @sfn/runtime's health server, on asyncio streams."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._service_host import ServiceHost


def prometheus_text(host: ServiceHost) -> str:
    m = host.metrics
    service = host.name
    rows = [
        ("sfn_calls_total", "counter", "Calls received.", m.calls),
        ("sfn_call_errors_total", "counter", "Calls answered with an error reply.", m.failed),
        ("sfn_calls_in_flight", "gauge", "Calls being processed.", host.in_flight),
        ("sfn_dedup_hits_total", "counter", "Duplicates answered from sfn.processed_calls.", m.duplicates),
        ("sfn_dead_letters_total", "counter", "Dead letters published.", m.dead_letters),
        ("sfn_poison_messages_total", "counter", "Poison messages acknowledged.", m.poison),
    ]
    lines = []
    for name, kind, help_text, value in rows:
        lines += [
            f"# HELP {name} {help_text}",
            f"# TYPE {name} {kind}",
            f'{name}{{service="{service}"}} {value}',
        ]
    return "\n".join(lines) + "\n"


class HealthServer:
    def __init__(self, host: ServiceHost, *, bind: str = "0.0.0.0", port: int = 8080) -> None:
        self._host = host
        self._bind = bind
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._bind, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            request = await asyncio.wait_for(reader.readline(), 5)
            parts = request.decode("latin-1").split()
            path = parts[1].split("?")[0] if len(parts) >= 2 else ""
            if path == "/healthz":
                ok = self._host.state != "stopped"
                status, body, kind = (200 if ok else 503), ("ok\n" if ok else "stopped\n"), "text/plain"
            elif path == "/readyz":
                ok = self._host.ready
                status, body, kind = (200 if ok else 503), ("ready\n" if ok else "not ready\n"), "text/plain"
            elif path == "/metrics":
                status, body, kind = 200, prometheus_text(self._host), "text/plain; version=0.0.4"
            else:
                status, body, kind = 404, "not found\n", "text/plain"
            payload = body.encode()
            reason = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}[status]
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {len(payload)}\r\n"
                f"Connection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        writer.close()

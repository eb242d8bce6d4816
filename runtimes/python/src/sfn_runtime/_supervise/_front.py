"""The pod's fixed function port in front of the supervisor's processes: the Python counterpart of
@sfn/sidecar's function-front.ts. Each process of an overlapping restart has a private port (the old one
frozen, the new one starting); this server answers ``/healthz``, ``/readyz`` and ``/metrics`` for the
current one, so the sidecar's readiness check and the kubelet's probes see the process taking over."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable

_FORWARDED = frozenset({"/healthz", "/readyz", "/metrics"})
_REASONS = {200: "OK", 404: "Not Found", 503: "Service Unavailable"}


class FunctionFront:
    """``target()`` is the private port of the process to answer for (None while none runs);
    ``not_ready()`` a reason to answer ``/readyz`` with 503 although that process is ready (it is not the
    version the application link points to: a restart failed and the previous process serves again)."""

    def __init__(
        self,
        target: Callable[[], int | None],
        not_ready: Callable[[], str | None],
        *,
        host: str = "0.0.0.0",
        port: int = 8080,
    ) -> None:
        self._target = target
        self._not_ready = not_ready
        self._host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self._host, self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            request = await asyncio.wait_for(reader.readline(), 5)
            parts = request.decode("latin-1").split()
            path = parts[1].split("?")[0] if len(parts) >= 2 else ""
            writer.write(await self._answer(path, parts[1] if len(parts) >= 2 else "/"))
            await writer.drain()
        writer.close()

    async def _answer(self, path: str, target_path: str) -> bytes:
        if path not in _FORWARDED:
            return _response(404, {"error": "not found"})
        port = self._target()
        if port is None:
            if path == "/healthz":
                return _response(200, {"status": "ok", "function": "none"})
            return _response(503, {"ready": False, "function": "none"})
        if path == "/readyz" and (reason := self._not_ready()) is not None:
            return _response(503, {"ready": False, "function": "previous", "reason": reason})
        try:
            return await asyncio.wait_for(forward(port, target_path), 5)
        except (OSError, TimeoutError) as error:
            message = str(error) or f"no answer from port {port} within 5 s"
            return _response(503, {"ready": False, "function": "starting", "error": message})


async def forward(port: int, path: str) -> bytes:
    """GET ``path`` from the process on ``port``: its whole HTTP reply (the runtime closes after it)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        reply = await reader.read()
    finally:
        writer.close()
    if not reply.startswith(b"HTTP/"):
        raise OSError(f"port {port} answered no HTTP")
    return reply


def _response(status: int, body: dict[str, object]) -> bytes:
    payload = json.dumps(body).encode()
    return (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
        + payload
    )

"""A Mosquitto of our own for tests that restart the broker (restarting the shared fixture broker
would break every other suite): the fixture's binary and settings, a free port, a temporary directory.
The same shape as packages/messaging/test/support/private-broker.ts."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import tempfile
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateBroker:
    def __init__(self) -> None:
        binary = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
        )
        if binary is None:
            raise RuntimeError(
                "mosquitto is not installed (the fixture installs it: pnpm exec sfn-fixture up)"
            )
        self._binary = binary
        self._dir = Path(tempfile.mkdtemp(prefix="sfn-py-broker-"))
        self.port = _free_port()
        self.url = f"mqtt://127.0.0.1:{self.port}"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            f"persistence_location {self._dir}/",
            "set_tcp_nodelay true",
            "max_queued_messages 100000",
            "max_inflight_messages 0",
            "log_dest none",
        ]
        if os.getuid() == 0:
            lines.append("user root")
        self._conf = self._dir / "mosquitto.conf"
        self._conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(self._binary, "-c", str(self._conf))
        for _ in range(200):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise RuntimeError("the private broker did not start")

    async def stop(self) -> None:
        """SIGTERM: Mosquitto writes its persistence file, so persistent sessions survive."""
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()
        self._process = None

    async def dispose(self) -> None:
        await self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

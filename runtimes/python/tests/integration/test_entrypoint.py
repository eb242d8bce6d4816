"""`python -m sfn_runtime module:Class contract.json` as the base image runs it: SFN_* settings, health,
calls, and a graceful stop on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import httpx

from sfn_runtime.messaging import MessagingClient

from ._entry_service import CONTRACT
from .conftest import MQTT_URL

ROOT = Path(__file__).resolve().parents[2]


async def test_entrypoint_serves_and_stops_on_sigterm(prefix: str, tmp_path: Path) -> None:
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(CONTRACT))
    env = {
        **os.environ,
        "SFN_MQTT_URL": MQTT_URL,
        "SFN_TOPIC_PREFIX": prefix,
        "SFN_REPLICA_ID": prefix,
        "SFN_HTTP_PORT": "18977",
        "SFN_OIDC_ISSUER": "",
        "SFN_DATABASE_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sfn_runtime",
        "tests.integration._entry_service:PyEntry",
        str(contract),
        env=env,
    )
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(100):
                try:
                    if (await http.get("http://127.0.0.1:18977/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        async with MessagingClient(MQTT_URL, prefix=prefix) as caller:
            assert await caller.call("PyEntry", "ping", {"a": 1}, timeout=timedelta(seconds=5)) == {
                "pong": {"a": 1}
            }
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

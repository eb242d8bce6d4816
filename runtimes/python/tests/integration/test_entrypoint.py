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


async def _start_entrypoint(
    contract: Path, env: dict[str, str], stderr: int | None = None
) -> asyncio.subprocess.Process:
    """``python -m sfn_runtime`` on the test service and ``contract``, as the base image runs it."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sfn_runtime",
        "tests.integration._entry_service:PyEntry",
        str(contract),
        env=env,
        stderr=stderr,
    )


async def test_entrypoint_serves_and_stops_on_sigterm(prefix: str, tmp_path: Path) -> None:
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(CONTRACT))
    # As the application layer lays it out: sfn.config.json beside contract.json.
    settings = {"greeting": "hello", "limits": {"items": 3}}
    (tmp_path / "sfn.config.json").write_text(json.dumps({"name": "PyEntry", "settings": settings}))
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
    process = await _start_entrypoint(contract, env)
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
            assert await caller.call("PyEntry", "settings", {}, timeout=timedelta(seconds=5)) == {
                "settings": settings
            }
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _run_entrypoint(
    tmp_path: Path, config: str | None, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Starts the entrypoint on CONTRACT (and `config` as its sfn.config.json) and waits for it to exit."""
    contract = tmp_path / "contract.json"
    contract.write_text(json.dumps(CONTRACT))
    if config is not None:
        (tmp_path / "sfn.config.json").write_text(config)
    process = await _start_entrypoint(
        contract,
        {**(env if env is not None else {**os.environ, "SFN_MQTT_URL": MQTT_URL}), "PYTHONPATH": str(ROOT)},
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 15)
    return process.returncode or 0, stderr.decode()


async def test_settings_that_are_not_an_object_stop_the_start_with_one_line(tmp_path: Path) -> None:
    code, stderr = await _run_entrypoint(tmp_path, json.dumps({"name": "PyEntry", "settings": [1, 2]}))
    assert code == 1
    assert "sfn.config.json: settings must be an object" in stderr
    assert "Traceback" not in stderr


async def test_an_sfn_config_that_is_not_json_is_named(tmp_path: Path) -> None:
    code, stderr = await _run_entrypoint(tmp_path, "{not json")
    assert code == 1
    assert "sfn.config.json: not valid JSON" in stderr


async def test_a_missing_setting_is_named_without_a_traceback(tmp_path: Path) -> None:
    without_broker = {k: v for k, v in os.environ.items() if k != "SFN_MQTT_URL"}
    code, stderr = await _run_entrypoint(tmp_path, None, without_broker)
    assert code == 1
    assert "ValidationError: missing setting SFN_MQTT_URL" in stderr
    assert "Traceback" not in stderr

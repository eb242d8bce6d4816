"""Launches a language's conformance service exactly as conformance/runtimes/<lang>.json describes
(build commands, launch command/args/cwd/env with ${VAR} substitution, readiness URL, shutdown signal),
the way the conformance runner does, and prepares a database for it (shared migrations + seeded
grants). The tests launch the Python service; scripts/bench.py launches the Node one too."""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import signal
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from sfn_runtime.datastore import migrate

from .conftest import DATABASE_URL, MQTT_URL, OIDC_AUDIENCE, OIDC_ISSUER, RESOURCE_CLIENT

REPO = Path(__file__).resolve().parents[4]
RUNTIMES = REPO / "conformance" / "runtimes"
CONTRACT_FILE = REPO / "conformance" / "contract.json"
FIXTURE_USERS = {
    "alice": "00000000-0000-4000-8000-0000000a11ce",
    "bob": "00000000-0000-4000-8000-000000000b0b",
    "carol": "00000000-0000-4000-8000-00000000ca01",
    "mallory": "00000000-0000-4000-8000-00000000bad0",
}
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _substitute(value: str, variables: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda match: variables[match.group(1)], value)


@dataclass
class Database:
    """A PostgreSQL database with the shared migrations, dropped at the end."""

    url: str
    name: str

    @staticmethod
    async def create() -> Database:
        name = f"sfn_py_conf_{secrets.token_hex(6)}"
        async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
            await admin.execute(f'CREATE DATABASE "{name}"')
        parts = urlsplit(DATABASE_URL)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
        await migrate(url)
        return Database(url, name)

    async def grant_role(self, database: str, role: str, permissions: list[str]) -> None:
        """Seeds grants through the bootstrap path (as the schema owner), not through the runtime."""
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            for permission in permissions:
                await conn.execute(
                    "INSERT INTO sfn.role_permissions (database, collection, role, permission, granted_by)"
                    " VALUES (%s, '', %s, %s, 'pytest') ON CONFLICT DO NOTHING",
                    (database, role, permission),
                )

    async def grant_user(self, database: str, user_id: str, permission: str) -> None:
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            await conn.execute(
                "INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)"
                " VALUES (%s, '', %s, %s, 'pytest') ON CONFLICT DO NOTHING",
                (database, user_id, permission),
            )

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchall()

    async def drop(self) -> None:
        async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class LaunchedService:
    """One run of the service: its prefix, logical database and HTTP port, and its process."""

    prefix: str
    database_url: str
    language: str = "python"
    database: str = "conformance"
    profile: str | None = None
    mqtt_protocol: str = "5"
    replica_id: str = field(default_factory=lambda: f"pytest-{secrets.token_hex(4)}")
    extra_env: dict[str, str] = field(default_factory=dict)
    quiet: bool = False
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    @property
    def spec(self) -> dict[str, Any]:
        launch_file = RUNTIMES / f"{self.language}.json"
        loaded: dict[str, Any] = json.loads(launch_file.read_text(encoding="utf-8"))
        return loaded

    def _variables(self) -> dict[str, str]:
        return {
            "SFN_MQTT_URL": MQTT_URL,
            "SFN_DATABASE_URL": self.database_url,
            "SFN_OIDC_ISSUER": OIDC_ISSUER,
            "SFN_OIDC_AUDIENCE": OIDC_AUDIENCE,
            "SFN_OIDC_RESOURCE_CLIENT_ID": RESOURCE_CLIENT[0],
            "SFN_OIDC_RESOURCE_CLIENT_SECRET": RESOURCE_CLIENT[1],
            "RUN_TOPIC_PREFIX": self.prefix,
            "RUN_DATABASE": self.database,
            "RUN_HTTP_PORT": str(self.port),
            "RUN_REPLICA_ID": self.replica_id,
            "RUN_MQTT_PROTOCOL": self.mqtt_protocol,
        }

    async def build(self) -> None:
        variables = {**self._variables(), "REPO_ROOT": str(REPO)}
        for step in self.spec["build"]:
            process = await asyncio.create_subprocess_exec(
                step["command"],
                *[_substitute(a, variables) for a in step.get("args", [])],
                cwd=REPO / step.get("cwd", "."),
                stdout=asyncio.subprocess.DEVNULL if self.quiet else None,
            )
            assert await process.wait() == 0, f"build step {step} failed"

    async def start(self) -> None:
        spec, variables = self.spec, self._variables()
        launch = spec["launch"]
        env = {name: _substitute(value, variables) for name, value in launch.get("env", {}).items()}
        if self.profile is not None:
            profile = spec["profiles"][self.profile]
            env.update({name: _substitute(value, variables) for name, value in profile.items()})
        env.update(self.extra_env)
        self.process = await asyncio.create_subprocess_exec(
            launch["command"],
            *[_substitute(a, variables) for a in launch.get("args", [])],
            cwd=REPO / launch.get("cwd", "."),
            env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
            stdout=asyncio.subprocess.DEVNULL if self.quiet else None,
        )
        readiness = launch["readiness"]
        url = _substitute(readiness["url"], variables)
        loop = asyncio.get_running_loop()
        give_up = loop.time() + readiness["timeoutMs"] / 1000
        async with httpx.AsyncClient() as http:
            while loop.time() < give_up:
                assert self.process.returncode is None, "the conformance service exited during start-up"
                try:
                    if (await http.get(url, timeout=1)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(readiness.get("intervalMs", 100) / 1000)
        raise AssertionError(f"{url} never answered 200")

    async def stop(self, *, signum: int | None = None) -> int:
        """Stops with the launch file's shutdown signal (or ``signum``); returns the exit code."""
        process = self.process
        assert process is not None
        if process.returncode is None:
            shutdown = self.spec["launch"]["shutdown"]
            process.send_signal(signum if signum is not None else getattr(signal, shutdown["signal"]))
            try:
                await asyncio.wait_for(process.wait(), shutdown["graceMs"] / 1000 + 10)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()
        assert process.returncode is not None
        return process.returncode

"""One function process of the supervisor, and how an application directory is started: the Python
counterpart of @sfn/sidecar's function-process.ts and of runtime-command.ts (its ``python`` branch)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import socket
import sys
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..errors import ValidationError

_PYTHON_ENTRY = re.compile(r"^(.+\.py)(?::([^:]*))?$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LAYER_INVALID = "SFN_LAYER_INVALID"


def _invalid(app_dir: Path, message: str, file: str = "sfn-app.json") -> ValidationError:
    return ValidationError(
        f"{app_dir}: {message}", code=_LAYER_INVALID, details={"appDir": str(app_dir), "file": file}
    )


def _read_json(app_dir: Path, name: str) -> dict[str, object]:
    path = app_dir / name
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _invalid(app_dir, f"no {name}: not an application directory of sfn build", name) from None
    except (OSError, ValueError) as error:
        raise _invalid(app_dir, f"{name} is not valid JSON ({error})", name) from None
    if not isinstance(loaded, dict):
        raise _invalid(app_dir, f"{name} is not a JSON object", name)
    return loaded


@dataclass(frozen=True)
class AppCommand:
    """What serves an application directory: ``argv`` run in ``cwd`` with ``env`` added."""

    argv: list[str]
    env: dict[str, str]


def app_command(app_dir: Path, python: str = sys.executable) -> AppCommand:
    """``<python> -B -m sfn_runtime <module:Class> <app>/contract.json``, as the Node sidecar's
    ``runtimeCommand`` builds it from the layer's ``sfn-app.json`` and ``sfn.config.json``; with a
    ``database`` there, ``SFN_DATABASE`` defaults to it. A layer of another language, or one without a
    Python entry, is a ``ValidationError`` (``SFN_LAYER_INVALID``): this image runs Python only."""
    language = _read_json(app_dir, "sfn-app.json").get("language", "node")
    if language != "python":
        raise _invalid(
            app_dir, f"sfn-app.json names language '{language}'; the Python supervisor runs python layers"
        )
    config = _read_json(app_dir, "sfn.config.json")
    entry, name, contract = config.get("entry"), config.get("name"), config.get("contract")
    match = _PYTHON_ENTRY.match(entry) if isinstance(entry, str) else None
    if match is None or not isinstance(name, str) or not isinstance(contract, str):
        raise _invalid(
            app_dir,
            "sfn-app.json names python, but the layer's sfn.config.json names no Python entry",
            "sfn.config.json",
        )
    parts = match.group(1).replace("\\", "/").removeprefix("./")[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    attribute = match.group(2) if match.group(2) is not None else name
    if not parts or not all(_IDENTIFIER.match(p) for p in parts) or not _IDENTIFIER.match(attribute):
        raise _invalid(app_dir, f"entry {entry} is not an importable module and class", "sfn.config.json")
    env: dict[str, str] = {}
    database = config.get("database")
    if isinstance(database, str):
        env["SFN_DATABASE"] = database
    spec = f"{'.'.join(parts)}:{attribute}"
    return AppCommand([python, "-B", "-m", "sfn_runtime", spec, str(app_dir / contract)], env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FunctionProcess:
    """A function process: spawned, watched, frozen (SIGSTOP) and resumed, stopped (SIGTERM, then
    SIGKILL after a grace period). Its output goes to the supervisor's, line by line; the last lines
    explain an exit."""

    def __init__(
        self, app_dir: Path, port: int, process: asyncio.subprocess.Process | None, failure: str = ""
    ) -> None:
        self.app_dir = app_dir
        self.port = port
        self._process = process
        self._tail: deque[str] = deque(maxlen=40)
        self._paused = False
        self._exit_text: str | None = f"could not start: {failure}" if process is None else None
        self._exited = asyncio.Event()
        if process is None:
            self._exited.set()
            return
        self._pumps = [
            asyncio.ensure_future(self._pump(stream, out))
            for stream, out in ((process.stdout, sys.stdout), (process.stderr, sys.stderr))
            if stream is not None
        ]
        self._waiter = asyncio.ensure_future(self._wait())

    @classmethod
    async def spawn(
        cls, app_dir: Path, command: AppCommand, port: int, env: Mapping[str, str]
    ) -> FunctionProcess:
        try:
            process = await asyncio.create_subprocess_exec(
                *command.argv,
                cwd=app_dir,
                env=child_env(command, env, port),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as error:
            return cls(app_dir, port, None, str(error))
        return cls(app_dir, port, process)

    async def _pump(self, stream: asyncio.StreamReader, out: TextIO) -> None:
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").rstrip("\n")
            if text:
                self._tail.append(text)
            with contextlib.suppress(Exception):
                print(text, file=out, flush=True)

    async def _wait(self) -> None:
        assert self._process is not None
        code = await self._process.wait()
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._pumps)
        how = f"exit code {code}" if code >= 0 else f"exit code none, signal {signal.Signals(-code).name}"
        last = " | ".join([line for line in self._tail if not line.startswith((" ", "\t"))][-5:])
        self._exit_text = f"{how}: {last}"
        self._exited.set()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def exited(self) -> str | None:
        """How the process ended, or None while it runs."""
        return self._exit_text

    async def wait_exited(self) -> None:
        await self._exited.wait()

    def _signal(self, sig: signal.Signals) -> bool:
        if self._process is None or self._exit_text is not None:
            return False
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(sig)
            return True
        return False

    def pause(self) -> None:
        """Freezes the process: it keeps its connections open but handles and acknowledges nothing."""
        if self._signal(signal.SIGSTOP):
            self._paused = True

    def resume(self) -> None:
        if self._paused:
            self._signal(signal.SIGCONT)
        self._paused = False

    async def stop(self, grace_s: float) -> None:
        """SIGTERM (the host drains), SIGKILL after ``grace_s``; frozen, or ``grace_s`` 0: SIGKILL at once."""
        if self._exit_text is not None:
            return
        self._signal(signal.SIGKILL if grace_s == 0 or self._paused else signal.SIGTERM)
        try:
            await asyncio.wait_for(self._exited.wait(), grace_s if grace_s > 0 else None)
        except TimeoutError:
            self._signal(signal.SIGKILL)
            await self._exited.wait()

    def kill(self) -> None:
        self._signal(signal.SIGKILL)


def child_env(command: AppCommand, env: Mapping[str, str], port: int) -> dict[str, str]:
    """The supervisor's environment plus the process's port. SFN_DATABASE defaults to the config's; the
    replica id to the host name, so a process taking over keeps the MQTT client ids, hence the sessions."""
    merged = dict(env)
    for key, value in command.env.items():
        merged[key] = merged.get(key) or value
    merged["SFN_REPLICA_ID"] = merged.get("SFN_REPLICA_ID") or socket.gethostname()
    merged["SFN_HTTP_PORT"] = str(port)
    return merged

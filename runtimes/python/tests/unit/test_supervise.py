"""The Python supervisor (``python -m sfn_runtime.supervise``) with real function processes: small HTTP
servers standing in for the runtime (their ``/readyz`` is what the supervisor watches), an application
link switched as the sidecar switches it, and the signals the sidecar's kubernetes driver sends. The Node
supervisor runs the same cases with the same stand-in (packages/sidecar/src/launcher/supervise.test.ts)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from sfn_runtime._supervise._process import FunctionProcess
from sfn_runtime.errors import ValidationError
from sfn_runtime.supervise import AppCommand, Supervisor, app_command

# A stand-in function: serves /healthz, /readyz (200 after READY_AFTER seconds, never when it is
# negative) and /metrics with its label; exits at once with code 3 when CRASH is set.
FUNCTION = r"""
import http.server, os, sys, time
label = open("label").read().strip()
if os.environ.get("CRASH_" + label):
    print("boom: " + label, file=sys.stderr); sys.exit(3)
delay = float(os.environ.get("READY_AFTER_" + label, "0"))
started = time.monotonic()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ready = delay >= 0 and time.monotonic() - started >= delay
        code = 200 if self.path == "/healthz" or self.path == "/metrics" or ready else 503
        body = (label + " " + self.path + " " + os.environ["SFN_REPLICA_ID"]).encode()
        self.send_response(code); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(os.environ["SFN_HTTP_PORT"])), Handler).serve_forever()
"""


def stand_in(app_dir: Path) -> AppCommand:
    return AppCommand([sys.executable, "-c", FUNCTION], {})


class Pod:
    """An apps directory with versions and the `current` link, and a supervisor of that link."""

    def __init__(self, root: Path, supervisor: Supervisor) -> None:
        self.root = root
        self.link = root / "current"
        self.supervisor = supervisor

    def version(self, label: str) -> Path:
        directory = self.root / label
        directory.mkdir(exist_ok=True)
        (directory / "label").write_text(label)
        return directory

    def point_to(self, label: str) -> None:
        """What the sidecar's compose step does: switch the link atomically."""
        target = self.version(label)
        staging = self.root / "current.next"
        staging.unlink(missing_ok=True)
        staging.symlink_to(target)
        staging.replace(self.link)

    async def deploy(self, label: str) -> FunctionProcess:
        """Switches the link to ``label``, signals SIGHUP, and waits until that version is ready."""
        self.point_to(label)
        await self.signal(self.supervisor.converge)
        await eventually(lambda: ready(self, label))
        assert self.supervisor.current is not None
        return self.supervisor.current

    async def signal(self, work: Callable[[], object]) -> None:
        await self.supervisor.enqueue("test", work)  # type: ignore[arg-type]

    async def get(self, path: str) -> tuple[int, str]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.supervisor.port)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        raw = await reader.read()
        writer.close()
        head, _, body = raw.decode().partition("\r\n\r\n")
        return int(head.split(" ")[1]), body


@pytest.fixture
async def pod(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Pod]:
    lines: list[str] = []
    supervisor = Supervisor(
        tmp_path / "current",
        http_port=0,
        host="127.0.0.1",
        env={**os.environ, "SFN_REPLICA_ID": "pod-1"},
        command=stand_in,
        stop_grace_s=2,
        ready_poll_s=0.02,
        log=lines.append,
    )
    await supervisor.start()
    yield Pod(tmp_path, supervisor)
    await supervisor.close()


async def eventually(check: Callable[[], object], timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.02)


def state(pid: int | None) -> str:
    """The process state letter from /proc (T = stopped by SIGSTOP), or "gone"."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "gone"
    return stat.rsplit(")", 1)[1].split()[0]


async def ready(pod: Pod, label: str) -> bool:
    status, body = await pod.get("/readyz")
    return status == 200 and body.startswith(label)


async def test_monitoring_mode_then_serves_the_link_target_behind_the_fixed_port(pod: Pod) -> None:
    assert await pod.get("/healthz") == (200, json.dumps({"status": "ok", "function": "none"}))
    assert (await pod.get("/readyz"))[0] == 503
    assert (await pod.get("/other"))[0] == 404
    await pod.deploy("v1")
    # forwarded to the process, which runs under the pod's replica id on a private port of its own
    assert await pod.get("/metrics") == (200, "v1 /metrics pod-1")
    assert pod.supervisor.current is not None
    assert pod.supervisor.current.port != pod.supervisor.port
    # a SIGHUP with the link unchanged changes nothing
    pid = pod.supervisor.current.pid
    await pod.signal(pod.supervisor.converge)
    assert pod.supervisor.current.pid == pid


async def test_a_restart_freezes_the_old_process_until_the_new_one_is_ready_then_kills_it(
    pod: Pod, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = await pod.deploy("v1")
    pod.supervisor._env["READY_AFTER_v2"] = "0.5"
    pod.point_to("v2")
    await pod.signal(pod.supervisor.converge)
    assert state(old.pid) == "T"  # frozen: holds its connections, handles nothing
    assert (await pod.get("/readyz"))[0] == 503  # the fixed port answers for the process taking over
    await eventually(lambda: ready(pod, "v2"))
    await eventually(lambda: state(old.pid) == "gone")
    assert pod.supervisor.previous is None


async def test_sigwinch_abandons_a_restart_that_never_gets_ready_and_the_old_one_resumes(pod: Pod) -> None:
    old = await pod.deploy("v1")
    pod.supervisor._env["READY_AFTER_v3"] = "-1"
    pod.point_to("v3")
    await pod.signal(pod.supervisor.converge)
    new = pod.supervisor.current
    assert new is not None
    assert new.app_dir.name == "v3"
    await asyncio.sleep(0.3)
    assert (await pod.get("/readyz"))[0] == 503
    await pod.signal(pod.supervisor.revert)
    assert state(old.pid) in {"S", "R"}
    await eventually(lambda: state(new.pid) == "gone")
    # the old process serves again, but it is not what the link points to: /readyz says so
    status, body = await pod.get("/readyz")
    assert status == 503
    assert json.loads(body)["function"] == "previous"
    assert (await pod.get("/metrics"))[1].startswith("v1")
    # the sidecar's rollback switches the link back and signals: the running process is the target
    pod.point_to("v1")
    await pod.signal(pod.supervisor.converge)
    assert pod.supervisor.current is old
    assert await ready(pod, "v1")


async def test_a_version_that_crashes_at_start_gives_the_old_process_back_but_never_reads_ready(
    pod: Pod,
) -> None:
    old = await pod.deploy("v1")
    pod.supervisor._env["CRASH_v4"] = "1"
    pod.point_to("v4")
    await pod.signal(pod.supervisor.converge)
    await eventually(lambda: pod.supervisor.current is old and pod.supervisor.previous is None)
    assert old is not None
    assert state(old.pid) in {"S", "R"}
    # the sidecar, polling /readyz until its deadline, must not take v1 answering for v4 being ready
    for _ in range(10):
        assert (await pod.get("/readyz"))[0] == 503
        await asyncio.sleep(0.05)
    assert (await pod.get("/healthz"))[0] == 200


async def test_an_unusable_layer_fails_like_a_crash(pod: Pod) -> None:
    old = await pod.deploy("v1")
    pod.supervisor._command = app_command
    pod.point_to("v5")
    await pod.signal(pod.supervisor.converge)
    await eventually(lambda: pod.supervisor.current is old)
    assert (await pod.get("/readyz"))[0] == 503


async def test_a_crash_while_serving_restarts_from_the_link_after_a_back_off(pod: Pod) -> None:
    first = await pod.deploy("v1")
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    await eventually(lambda: first.exited() is not None)
    assert "signal SIGKILL" in (first.exited() or "")
    await eventually(lambda: ready(pod, "v1"))  # about 0.5 s later
    assert pod.supervisor.current is not None
    assert pod.supervisor.current.pid != first.pid


async def test_sigusr2_stops_the_function_and_an_unset_link_means_none(pod: Pod) -> None:
    running = await pod.deploy("v1")
    await pod.signal(pod.supervisor.stop)
    assert state(running.pid) == "gone"
    assert await pod.get("/healthz") == (200, json.dumps({"status": "ok", "function": "none"}))
    pod.link.unlink()
    await pod.signal(pod.supervisor.converge)
    assert pod.supervisor.current is None


def write_layer(app_dir: Path, app: dict[str, object], config: dict[str, object]) -> Path:
    app_dir.mkdir(parents=True, exist_ok=True)
    (app_dir / "sfn-app.json").write_text(json.dumps(app))
    (app_dir / "sfn.config.json").write_text(json.dumps(config))
    return app_dir


def test_the_command_of_a_python_layer_is_the_base_images_entrypoint(tmp_path: Path) -> None:
    config = {"name": "Echo", "contract": "contract.json", "entry": "echo_service/service.py:EchoService"}
    layer = write_layer(tmp_path / "a", {"app": "Echo", "language": "python"}, {**config, "database": "echo"})
    command = app_command(layer, "/usr/bin/python3")
    assert command.argv == [
        "/usr/bin/python3",
        "-B",
        "-m",
        "sfn_runtime",
        "echo_service.service:EchoService",
        str(layer / "contract.json"),
    ]
    assert command.env == {"SFN_DATABASE": "echo"}
    # the class defaults to the service name; a package's __init__ is the package
    layer = write_layer(tmp_path / "b", {"language": "python"}, {**config, "entry": "./pkg/__init__.py"})
    assert app_command(layer).argv[4] == "pkg:Echo"


@pytest.mark.parametrize(
    ("app", "config", "message"),
    [
        ({"app": "Echo"}, {}, "names language 'node'; the Python supervisor runs python layers"),
        ({"language": "node"}, {}, "names language 'node'"),
        (
            {"language": "python"},
            {"name": "Echo", "contract": "c.json", "entry": "index.js"},
            "no Python entry",
        ),
        (
            {"language": "python"},
            {"name": "Echo", "contract": "c.json", "entry": "my-pkg/service.py"},
            "not an importable module and class",
        ),
        (
            {"language": "python"},
            {"name": "Echo", "contract": "c.json", "entry": "pkg/service.py:not-a-class"},
            "not an importable module and class",
        ),
    ],
)
def test_a_layer_it_cannot_run_is_a_validation_error_naming_the_reason(
    tmp_path: Path, app: dict[str, object], config: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as raised:
        app_command(write_layer(tmp_path / "layer", app, config))
    assert raised.value.code == "SFN_LAYER_INVALID"
    with pytest.raises(ValidationError, match=r"no sfn-app\.json"):
        app_command(tmp_path / "empty")


def test_the_module_entry_point_checks_its_arguments() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "sfn_runtime.supervise"], capture_output=True, text=True, timeout=30
    )
    assert run.returncode == 2
    assert run.stderr.strip() == "usage: python -m sfn_runtime.supervise <app-link>"
    run = subprocess.run(
        [sys.executable, "-m", "sfn_runtime.supervise", "/nowhere"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "SFN_HTTP_PORT": "eighty"},
    )
    assert run.returncode == 1
    assert "SFN_HTTP_PORT must be a port number, got 'eighty'" in run.stderr

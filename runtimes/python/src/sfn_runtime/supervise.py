"""``python -m sfn_runtime.supervise <app-link>``: the main container's process of a Python function pod
under the sidecar's ``kubernetes`` driver (deploy/kubernetes, docs/deployment.md). The same supervisor
as ``sfn-sidecar supervise`` of @sfn/sidecar, for the Python base image, which has no Node: it runs the
application the link points to and restarts it with freeze-and-overlap, behind the pod's fixed port.

Signals, handled one at a time in the order they arrive:

- SIGHUP: converge on the link. Nothing when its target already runs (or is starting); back to the
  frozen previous process when the link points to it again; else a restart: the running process is
  frozen (SIGSTOP) and the new one, under the same replica id, takes its MQTT sessions over; once its
  ``/readyz`` answers 200 the old one is killed; if it exits before that, the old one resumes.
- SIGWINCH: abandon a restart not yet ready (the sidecar's deadline passed): kill the new process,
  resume the old one.
- SIGUSR2: stop the function (monitoring mode). SIGTERM: stop it and exit.

A process that crashes while serving is restarted from the link after a back-off (0.5 s, doubling to
30 s, reset once a process is ready). ``/readyz`` on the fixed port answers 200 only for a process of
the link's target: after a failed restart the old process serves calls, but the sidecar must not take
it for the new version.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from ._supervise._front import FunctionFront, forward
from ._supervise._process import AppCommand, FunctionProcess, app_command, free_port

__all__ = ["AppCommand", "FunctionProcess", "Supervisor", "app_command", "main"]


async def _is_ready(port: int) -> bool:
    try:
        reply = await asyncio.wait_for(forward(port, "/readyz"), 1)
    except (OSError, TimeoutError):
        return False
    return reply.split(b" ", 2)[1:2] == [b"200"]


class Supervisor:
    """Runs the application ``link`` points to (a symlink the sidecar switches), see the module's text."""

    def __init__(
        self,
        link: Path,
        *,
        http_port: int,
        host: str = "0.0.0.0",
        env: Mapping[str, str] | None = None,
        python: str = sys.executable,
        command: Callable[[Path], AppCommand] | None = None,
        stop_grace_s: float = 10.0,
        ready_poll_s: float = 0.05,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._link = link
        self._env = dict(os.environ if env is None else env)
        self._command = command or (lambda app_dir: app_command(app_dir, python))
        self._grace = stop_grace_s
        self._poll = ready_poll_s
        self._log_line = log or (lambda m: print(f"sfn-supervise: {m}", file=sys.stderr, flush=True))
        self._front = FunctionFront(self._serving_port, self._not_ready, host=host, port=http_port)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Future[Any]] = set()
        self.current: FunctionProcess | None = None
        self.previous: FunctionProcess | None = None
        # +1 at every start, revert and stop: watchers of an older generation stand down.
        self._generation = 0
        self._crashes = 0

    @property
    def port(self) -> int:
        return self._front.port

    async def start(self) -> None:
        await self._front.start()
        self.enqueue("start", self.converge)

    async def close(self) -> None:
        await self.enqueue("stop", self.stop)
        await self._front.close()
        for task in list(self._tasks):
            task.cancel()

    def enqueue(self, what: str, work: Callable[[], Awaitable[None]]) -> asyncio.Future[None]:
        """Runs ``work`` after everything enqueued before it; a failure is logged, the next still runs."""

        async def serial() -> None:
            async with self._lock:
                try:
                    await work()
                except Exception as error:  # one failed step must not stop the supervisor
                    self._log_line(f"{what}: {type(error).__name__}: {error}")

        task = asyncio.ensure_future(serial())
        self._spawned(task)
        return task

    def _spawned(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _target(self) -> Path | None:
        return self._link.resolve() if self._link.exists() else None

    def _serving_port(self) -> int | None:
        return self.current.port if self.current is not None else None

    def _not_ready(self) -> str | None:
        current, target = self.current, self._target()
        if current is not None and current.app_dir != target:
            return f"{current.app_dir} serves; the link points to {target or 'nothing'}"
        return None

    def _has_fallback(self) -> bool:
        return self.previous is not None and self.previous.exited() is None

    async def converge(self) -> None:
        """SIGHUP: make the running function the one the link points to."""
        target = self._target()
        if target is None:
            return await self.stop()
        current, previous = self.current, self.previous
        if current is not None and current.app_dir == target and current.exited() is None:
            return None
        if previous is not None and previous.app_dir == target and previous.exited() is None:
            return await self.revert()
        # The current process is ready but its readiness was not seen yet: it is the fallback now.
        if (
            previous is not None
            and current is not None
            and current.exited() is None
            and await _is_ready(current.port)
        ):
            await self._confirm()
        self._generation += 1
        generation = self._generation
        await self._restart(target)
        assert self.current is not None
        self._watch(generation, self.current)
        return None

    async def _restart(self, app_dir: Path) -> None:
        if self._has_fallback():
            # A restart before the last one was confirmed: the frozen, proven process stays the fallback
            # and the unconfirmed one goes (SIGKILL: it holds the sessions the next one takes over).
            if self.current is not None:
                await self.current.stop(0)
        else:
            if self.previous is not None:
                await self.previous.stop(self._grace)
            self.previous = None
            if self.current is not None and self.current.exited() is None:
                self.previous = self.current
                self.previous.pause()
        port = free_port()
        try:
            command = self._command(app_dir)
        except Exception as error:  # an unusable layer fails like a process that cannot start
            self.current = FunctionProcess(app_dir, port, None, str(error))
            return
        self.current = await FunctionProcess.spawn(app_dir, command, port, self._env)

    async def _confirm(self) -> None:
        previous, self.previous = self.previous, None
        if previous is not None:
            # Its sessions belong to the new process now: a graceful stop would unsubscribe them.
            await previous.stop(0)

    async def revert(self) -> None:
        """SIGWINCH: the pending restart failed; the frozen previous process (if any) serves again."""
        if not self._has_fallback():
            return
        self._generation += 1
        generation = self._generation
        if self.current is not None:
            await self.current.stop(0)
        self.current, self.previous = self.previous, None
        assert self.current is not None
        self.current.resume()
        self._log_line(f"restart abandoned; {self.current.app_dir} serves")
        self._watch(generation, self.current)

    async def stop(self) -> None:
        """SIGUSR2: no function runs (monitoring mode)."""
        self._generation += 1
        previous, current = self.previous, self.current
        self.previous = self.current = None
        stopping = []
        if previous is not None:
            stopping.append(previous.stop(0))  # frozen: it could not drain
        if current is not None:
            stopping.append(current.stop(self._grace))
        await asyncio.gather(*stopping)

    def _watch(self, generation: int, process: FunctionProcess) -> None:
        self._spawned(asyncio.ensure_future(self._confirm_when_ready(generation, process)))
        self._spawned(asyncio.ensure_future(self._on_exit(generation, process)))

    async def _on_exit(self, generation: int, process: FunctionProcess) -> None:
        await process.wait_exited()

        async def ended() -> None:
            if generation != self._generation:
                return  # replaced, reverted or stopped on purpose
            self._log_line(f"function {process.app_dir} ended ({process.exited()})")
            if self._has_fallback():
                return await self.revert()
            delay = min(30.0, 0.5 * 2**self._crashes)
            self._crashes += 1
            self._spawned(asyncio.ensure_future(self._restart_later(generation, delay)))
            return None

        await self.enqueue("exit", ended)

    async def _restart_later(self, generation: int, delay: float) -> None:
        await asyncio.sleep(delay)

        async def again() -> None:
            if generation == self._generation:
                await self.converge()

        await self.enqueue("restart", again)

    async def _confirm_when_ready(self, generation: int, process: FunctionProcess) -> None:
        while generation == self._generation and process.exited() is None:
            if await _is_ready(process.port):

                async def confirm() -> None:
                    if generation == self._generation:
                        self._crashes = 0
                        await self._confirm()

                await self.enqueue("confirm", confirm)
                return
            await asyncio.sleep(self._poll)


async def supervise(link: Path, *, http_port: int) -> None:
    """Supervises until SIGTERM (or SIGINT)."""
    supervisor = Supervisor(link, http_port=http_port)
    loop = asyncio.get_running_loop()
    terminated = asyncio.Event()
    handlers = {
        signal.SIGHUP: supervisor.converge,
        signal.SIGWINCH: supervisor.revert,
        signal.SIGUSR2: supervisor.stop,
    }
    for sig, work in handlers.items():
        loop.add_signal_handler(sig, supervisor.enqueue, sig.name, work)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, terminated.set)
    await supervisor.start()
    await terminated.wait()
    await supervisor.close()


def main(argv: list[str]) -> int:
    """``python -m sfn_runtime.supervise <app-link>``; the fixed port is ``SFN_HTTP_PORT`` (default 8080)."""
    if len(argv) != 1:
        print("usage: python -m sfn_runtime.supervise <app-link>", file=sys.stderr)
        return 2
    raw_port = os.environ.get("SFN_HTTP_PORT", "8080")
    if not raw_port.isdigit() or not 0 <= int(raw_port) <= 65535:
        print(f"sfn-supervise: SFN_HTTP_PORT must be a port number, got '{raw_port}'", file=sys.stderr)
        return 1
    asyncio.run(supervise(Path(argv[0]), http_port=int(raw_port)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

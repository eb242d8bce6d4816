"""PUBACKs in the order the PUBLISHes arrived (MQTT 5.0 §4.6, P-QOS-6), while handlers finish in any order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class AckSequencer:
    """Releases acknowledgements in arrival order: ``ack`` of a later message waits for the earlier ones."""

    def __init__(self, send_ack: Callable[[int, int], None]) -> None:
        self._send_ack = send_ack
        self._queue: deque[list[int | bool]] = deque()

    def received(self, mid: int, qos: int) -> list[int | bool]:
        """Registers a message; returns the token to pass to ``done``."""
        entry: list[int | bool] = [mid, qos, False]
        self._queue.append(entry)
        return entry

    def done(self, token: list[int | bool]) -> None:
        token[2] = True
        while self._queue and self._queue[0][2]:
            mid, qos, _ = self._queue.popleft()
            self._send_ack(int(mid), int(qos))

    def reset(self) -> None:
        """Forgets unacknowledged messages (after a reconnect the broker redelivers them)."""
        self._queue.clear()

    def __len__(self) -> int:
        return len(self._queue)

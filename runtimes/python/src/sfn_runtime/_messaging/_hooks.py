"""Hooks (P-LIFE-7): before-send, after-receive, on-error. A failing hook is logged and reported to the
on-error hooks (never recursively) and is never fatal."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..generated.wire_types import HookType

Hook = Callable[[Any], Awaitable[None]]
_log = logging.getLogger("sfn_runtime.messaging")


class Hooks:
    def __init__(self) -> None:
        self._hooks: dict[HookType, list[Hook]] = {kind: [] for kind in HookType}

    def add(self, kind: HookType | str, hook: Hook) -> None:
        self._hooks[HookType(kind)].append(hook)

    async def run(self, kind: HookType, value: Any) -> None:
        for hook in list(self._hooks[kind]):
            try:
                await hook(value)
            except Exception as error:
                _log.warning("%s hook failed: %r", kind.value, error)
                if kind is not HookType.ON_ERROR:
                    await self.run(HookType.ON_ERROR, error)

"""A service module for the entrypoint test (loaded by `python -m sfn_runtime`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sfn_runtime.host import function, service

CONTRACT = {
    "service": "PyEntry",
    "schemaVersion": "1.0.0",
    "functions": {
        "ping": {"input": "Any", "output": "Any", "authenticated": False},
        "settings": {"input": "Any", "output": "Any", "authenticated": False},
    },
    "definitions": {"Any": {"type": "object"}},
}


@service("PyEntry")
class PyEntry:
    def __init__(self, config: Mapping[str, Any]) -> None:
        self._config = config

    @function("ping")
    async def ping(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"pong": parameters}

    @function("settings")
    async def settings(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """The ``settings`` of the sfn.config.json beside the contract, as the function sees them."""
        return {"settings": dict(self._config)}

"""A service module for the entrypoint test (loaded by `python -m sfn_runtime`)."""

from __future__ import annotations

from typing import Any

from sfn_runtime.host import function, service

CONTRACT = {
    "service": "PyEntry",
    "schemaVersion": "1.0.0",
    "functions": {"ping": {"input": "Any", "output": "Any", "authenticated": False}},
    "definitions": {"Any": {"type": "object"}},
}


@service("PyEntry")
class PyEntry:
    @function("ping")
    async def ping(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"pong": parameters}

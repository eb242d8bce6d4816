"""The process entrypoint: configuration from the SFN_* variables (the same names as @sfn/runtime's
runtime-config.ts), the authenticator and database, the host with /healthz /readyz /metrics, and a
graceful stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ._authoring import ServiceDefinition
from ._service_host import ServiceHost


def _setting(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name)
    return value if value else default


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    return default if not value else value.lower() in ("1", "true", "yes", "on")


def load_service(spec: str) -> type[Any] | ServiceDefinition:
    """``package.module:ClassName`` → the ``@service`` class (or a ServiceDefinition)."""
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValidationError(f"expected 'module:Class', got '{spec}'")
    loaded: type[Any] | ServiceDefinition = getattr(importlib.import_module(module_name), attribute)
    return loaded


async def run_service(
    service: type[Any] | ServiceDefinition, contract: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> None:
    """Runs a service until SIGTERM/SIGINT, then stops gracefully (P-QOS-7)."""
    env = dict(os.environ if env is None else env)
    logging.basicConfig(level=(_setting(env, "SFN_LOG_LEVEL", "INFO") or "INFO").upper())
    mqtt_url = _setting(env, "SFN_MQTT_URL")
    if mqtt_url is None:
        raise ValidationError("missing setting SFN_MQTT_URL", details={"setting": "SFN_MQTT_URL"})
    authenticator = data_stores = None
    issuer = _setting(env, "SFN_OIDC_ISSUER")
    if issuer is not None:
        from .._auth._authenticator import OidcAuthenticator

        audience = _setting(env, "SFN_OIDC_AUDIENCE")
        if audience is None:
            raise ValidationError(
                "missing setting SFN_OIDC_AUDIENCE", details={"setting": "SFN_OIDC_AUDIENCE"}
            )
        authenticator = OidcAuthenticator(issuer, audience=audience)
    database_url = _setting(env, "SFN_DATABASE_URL")
    if database_url is not None:
        from .._data._store import PostgresDataStoreFactory

        data_stores = PostgresDataStoreFactory(database_url, database=_setting(env, "SFN_DATABASE"))
        await data_stores.open()
    port = _setting(env, "SFN_HTTP_PORT")
    host = ServiceHost(
        service,
        contract,
        mqtt_url=mqtt_url,
        authenticator=authenticator,
        data_stores=data_stores,
        concurrency=int(_setting(env, "SFN_CONCURRENCY", "4") or 4),
        replica_id=_setting(env, "SFN_REPLICA_ID", "0") or "0",
        prefix=_setting(env, "SFN_TOPIC_PREFIX"),
        dedup=_flag(env, "SFN_DEDUP", True),
        dedup_ttl_seconds=int(_setting(env, "SFN_DEDUP_TTL_SECONDS", "86400") or 86400),
        validate_output=_flag(env, "SFN_VALIDATE_OUTPUT", False),
        health_port=int(port) if port is not None else None,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await host.start()
    try:
        await stop.wait()
    finally:
        grace_ms = int(_setting(env, "SFN_SHUTDOWN_GRACE_MS", "10000") or 10000)
        await host.stop(grace_seconds=grace_ms / 1000)
        if data_stores is not None:
            await data_stores.close()
        if authenticator is not None:
            await authenticator.aclose()


def main(argv: list[str]) -> int:
    """``python -m sfn_runtime <module:Class> <contract.json>``."""
    if len(argv) != 2:
        print("usage: python -m sfn_runtime <module:Class> <contract.json>")
        return 2
    contract = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    asyncio.run(run_service(load_service(argv[0]), contract))
    return 0

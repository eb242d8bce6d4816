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
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import SfnError, ValidationError
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


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _setting(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ValidationError(
            f"invalid setting {name}: expected an integer from {low} to {high}",
            details={"setting": name, "expected": f"an integer from {low} to {high}"},
        )
    return value


_LOG_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30, "ERROR": 40, "CRITICAL": 50, "SILENT": 60}


def _log_level(env: Mapping[str, str]) -> int:
    """SFN_LOG_LEVEL: Python's names or @sfn/runtime's (debug, info, warn, error, silent)."""
    raw = (_setting(env, "SFN_LOG_LEVEL", "INFO") or "INFO").upper()
    if raw not in _LOG_LEVELS:
        raise ValidationError(
            "invalid setting SFN_LOG_LEVEL: expected debug, info, warn, error or silent",
            details={"setting": "SFN_LOG_LEVEL", "expected": "debug, info, warn, error or silent"},
        )
    return _LOG_LEVELS[raw]


def _protocol_level(env: Mapping[str, str]) -> int:
    raw = _setting(env, "SFN_MQTT_PROTOCOL", "5")
    if raw in ("5", "5.0"):
        return 5
    if raw in ("3.1.1", "4"):
        return 4
    raise ValidationError(
        "invalid setting SFN_MQTT_PROTOCOL: expected 5 or 3.1.1",
        details={"setting": "SFN_MQTT_PROTOCOL", "expected": "5 or 3.1.1"},
    )


def _shared(env: Mapping[str, str]) -> bool | None:
    """SFN_SHARED_SUBSCRIPTIONS: unset = detect at MQTT 5, not available at 3.1.1 (P-TRN-3)."""
    return (
        None
        if _setting(env, "SFN_SHARED_SUBSCRIPTIONS") is None
        else _flag(env, "SFN_SHARED_SUBSCRIPTIONS", True)
    )


def _authenticator(env: Mapping[str, str]) -> Any:
    issuer = _setting(env, "SFN_OIDC_ISSUER")
    if issuer is None:
        return None
    from .._auth._authenticator import OidcAuthenticator

    audience = _setting(env, "SFN_OIDC_AUDIENCE")
    if audience is None:
        raise ValidationError("missing setting SFN_OIDC_AUDIENCE", details={"setting": "SFN_OIDC_AUDIENCE"})
    mode = _setting(env, "SFN_OIDC_MODE", "jwt")
    if mode not in ("jwt", "introspection", "auto"):
        raise ValidationError(
            "invalid setting SFN_OIDC_MODE: expected jwt, introspection or auto",
            details={"setting": "SFN_OIDC_MODE", "expected": "jwt, introspection or auto"},
        )
    client_id = _setting(env, "SFN_OIDC_RESOURCE_CLIENT_ID")
    client_secret = _setting(env, "SFN_OIDC_RESOURCE_CLIENT_SECRET")
    if mode != "jwt" and (client_id is None or client_secret is None):
        raise ValidationError(
            f"SFN_OIDC_MODE={mode} needs SFN_OIDC_RESOURCE_CLIENT_ID and SFN_OIDC_RESOURCE_CLIENT_SECRET",
            details={"setting": "SFN_OIDC_RESOURCE_CLIENT_ID"},
        )
    return OidcAuthenticator(
        issuer,
        audience=audience,
        mode=mode,  # type: ignore[arg-type]  # checked above
        client_id=client_id,
        client_secret=client_secret,
    )


def load_settings(contract_file: Path) -> dict[str, Any]:
    """The ``settings`` of the ``sfn.config.json`` beside the contract (as the application layer and the
    process driver lay them out), the functions' ``config``; ``{}`` when there is no such file.
    """
    config_file = contract_file.parent / "sfn.config.json"
    try:
        text = config_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        config = json.loads(text)
    except ValueError as error:
        raise ValidationError(
            f"{config_file}: not valid JSON ({error})", details={"file": str(config_file)}
        ) from None
    settings = config.get("settings", {}) if isinstance(config, dict) else None
    if not isinstance(settings, dict):
        raise ValidationError(
            f"{config_file}: settings must be an object",
            details={"file": str(config_file), "field": "settings"},
        )
    return settings


async def run_service(
    service: type[Any] | ServiceDefinition,
    contract: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    *,
    config: Mapping[str, Any] | None = None,
) -> None:
    """Runs a service until SIGTERM/SIGINT, then stops gracefully (P-QOS-7). ``config`` is what the
    functions receive as ``config`` (``sfn.config.json``'s ``settings`` when started by :func:`main`).

    Settings (the names of @sfn/runtime's runtime-config): SFN_MQTT_URL, SFN_MQTT_PROTOCOL (5 | 3.1.1),
    SFN_MQTT_USERNAME/_PASSWORD, SFN_SHARED_SUBSCRIPTIONS, SFN_MIRROR_PROPERTIES, SFN_OIDC_ISSUER,
    SFN_OIDC_AUDIENCE, SFN_OIDC_MODE (jwt | introspection | auto) with SFN_OIDC_RESOURCE_CLIENT_ID/_SECRET,
    SFN_DATABASE_URL, SFN_DATABASE, SFN_DATABASE_POOL_SIZE (default 20), SFN_CONCURRENCY (calls at once,
    default 64), SFN_CONNECTIONS (connections in the shared group, default 4), SFN_REPLICA_ID,
    SFN_TOPIC_PREFIX, SFN_HTTP_PORT, SFN_DEDUP, SFN_DEDUP_TTL_SECONDS, SFN_VALIDATE_OUTPUT,
    SFN_SHUTDOWN_GRACE_MS, SFN_LOG_LEVEL.
    """
    env = dict(os.environ if env is None else env)
    logging.basicConfig(level=_log_level(env))
    mqtt_url = _setting(env, "SFN_MQTT_URL")
    if mqtt_url is None:
        raise ValidationError("missing setting SFN_MQTT_URL", details={"setting": "SFN_MQTT_URL"})
    protocol_level = _protocol_level(env)
    shared = _shared(env)
    concurrency = _integer(env, "SFN_CONCURRENCY", 64, 1, 1024)
    connections = _integer(env, "SFN_CONNECTIONS", 4, 1, 64)
    dedup_ttl = _integer(env, "SFN_DEDUP_TTL_SECONDS", 86_400, 60, 30 * 86_400)
    grace_ms = _integer(env, "SFN_SHUTDOWN_GRACE_MS", 10_000, 0, 3_600_000)
    port = _setting(env, "SFN_HTTP_PORT")
    health_port = None if port is None else _integer(env, "SFN_HTTP_PORT", 0, 0, 65_535)
    authenticator = _authenticator(env)
    if authenticator is not None:
        try:
            await authenticator.warm()
        except SfnError as error:  # the issuer is down: start anyway, validation retries per token
            logging.getLogger("sfn_runtime.host").warning(
                "issuer %s not reachable yet: %s", authenticator.issuer, error
            )
    data_stores = None
    database_url = _setting(env, "SFN_DATABASE_URL")
    if database_url is not None:
        from .._data._store import PostgresDataStoreFactory

        pool_size = _integer(env, "SFN_DATABASE_POOL_SIZE", 20, 1, 1000)
        data_stores = PostgresDataStoreFactory(
            database_url,
            database=_setting(env, "SFN_DATABASE", "app"),
            min_size=min(pool_size, 4),
            max_size=pool_size,
        )
        await data_stores.open()
    host = ServiceHost(
        service,
        contract,
        mqtt_url=mqtt_url,
        authenticator=authenticator,
        data_stores=data_stores,
        concurrency=concurrency,
        connections=connections,
        replica_id=_setting(env, "SFN_REPLICA_ID", "0") or "0",
        prefix=_setting(env, "SFN_TOPIC_PREFIX"),
        protocol_level=protocol_level,
        shared_subscription=shared,
        mirror_properties=_flag(env, "SFN_MIRROR_PROPERTIES", True),
        username=_setting(env, "SFN_MQTT_USERNAME"),
        password=_setting(env, "SFN_MQTT_PASSWORD"),
        dedup=_flag(env, "SFN_DEDUP", True),
        dedup_ttl_seconds=dedup_ttl,
        validate_output=_flag(env, "SFN_VALIDATE_OUTPUT", False),
        health_port=health_port,
        config=config,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await host.start()
        await stop.wait()
    finally:
        await host.stop(grace_seconds=grace_ms / 1000)
        if data_stores is not None:
            await data_stores.close()
        if authenticator is not None:
            await authenticator.aclose()


def main(argv: list[str]) -> int:
    """``python -m sfn_runtime <module:Class> <contract.json>``; the ``settings`` of an ``sfn.config.json``
    beside the contract are the functions' ``config``. A configuration error exits with 1 and one line
    naming it (as ``sfn-runtime`` does), not a traceback.
    """
    if len(argv) != 2:
        print("usage: python -m sfn_runtime <module:Class> <contract.json>", file=sys.stderr)
        return 2
    contract_file = Path(argv[1])
    try:
        contract = json.loads(contract_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"sfn_runtime: {contract_file}: {error}", file=sys.stderr)
        return 1
    try:
        asyncio.run(run_service(load_service(argv[0]), contract, config=load_settings(contract_file)))
    except ValidationError as error:
        print(f"sfn_runtime: {error.type}: {error}", file=sys.stderr)
        return 1
    return 0

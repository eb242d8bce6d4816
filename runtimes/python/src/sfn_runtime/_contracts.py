"""Locates and loads the canonical definitions of @sfn/contracts (schemas/ and operations/).

The wheel carries a copy in ``sfn_runtime/_contracts_data`` (written by ``scripts/build.sh``); an editable
install in the monorepo reads ``packages/contracts`` directly. ``SFN_CONTRACTS_DIR``
overrides both.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


def contracts_dir() -> Path:
    """The folder holding ``schemas/`` and ``operations/``."""
    override = os.environ.get("SFN_CONTRACTS_DIR")
    candidates = [Path(override)] if override else []
    # the monorepo first (an editable install must never read a stale copy), then the wheel's copy
    candidates += [_PACKAGE_DIR.parents[3] / "packages" / "contracts", _PACKAGE_DIR / "_contracts_data"]
    for candidate in candidates:
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError("canonical schemas not found; set SFN_CONTRACTS_DIR to packages/contracts")


def _load_all(folder: Path, pattern: str) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for path in sorted(folder.rglob(pattern)):
        value = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(value, dict):
            raise ValueError(f"{path} is not a JSON object")
        documents.append(value)
    return documents


@cache
def canonical_schemas() -> tuple[dict[str, Any], ...]:
    """Every ``*.schema.json`` under schemas/, parsed."""
    return tuple(_load_all(contracts_dir() / "schemas", "*.schema.json"))


@cache
def operation_manifests() -> tuple[dict[str, Any], ...]:
    """Every ``*.operations.json`` under operations/, parsed."""
    return tuple(_load_all(contracts_dir() / "operations", "*.operations.json"))


def schema_by_title(title: str) -> dict[str, Any]:
    for schema in canonical_schemas():
        if schema.get("title") == title:
            return schema
    raise KeyError(f"unknown wire type '{title}'")

"""The interface hash ``sha256-jcs-v1`` (docs/protocol.md §14), reproducing
packages/contracts/src/hash/interface-hash.ts byte for byte (P-HASH-2)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, Final

import rfc8785

from ._contracts import canonical_schemas, operation_manifests

INTERFACE_HASH_ALGORITHM: Final = "sha256-jcs-v1"
_ANNOTATIONS: Final = frozenset({"description", "title", "examples", "$comment", "$schema"})


def _strip(value: Any) -> Any:
    if isinstance(value, list):
        return [_strip(item) for item in value]
    if not isinstance(value, dict):
        return value
    # A member whose value is an object is a property *named* like an annotation, not an annotation.
    return {
        key: _strip(child)
        for key, child in value.items()
        if not (key in _ANNOTATIONS and not isinstance(child, dict))
    }


def _keyed(items: Iterable[Mapping[str, Any]], key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name = item.get(key)
        if not isinstance(name, str):
            raise TypeError(f"every definition needs a string '{key}'")
        if name in out:
            raise TypeError(f"duplicate definition '{name}'")
        out[name] = _strip(dict(item))
    return out


def compute_interface_hash(
    schemas: Iterable[Mapping[str, Any]], operations: Iterable[Mapping[str, Any]]
) -> str:
    """``sha256:`` + hex SHA-256 of the JCS form of {algorithm, operations, schemas} (P-HASH-1)."""
    document: dict[str, Any] = {
        "algorithm": INTERFACE_HASH_ALGORITHM,
        "operations": _keyed(operations, "interface"),
        "schemas": _keyed(schemas, "$id"),
    }
    return "sha256:" + hashlib.sha256(rfc8785.dumps(document)).hexdigest()


def interface_hash() -> str:
    """The interface hash of the canonical definitions this package was built against."""
    return compute_interface_hash(canonical_schemas(), operation_manifests())

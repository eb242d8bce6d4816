"""Validation against the canonical JSON Schemas (draft 2020-12, formats asserted) with violations
shaped as ``SchemaViolation`` ({path, keyword, message}, path a JSON pointer, P-LIFE-6)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError as SchemaError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._contracts import canonical_schemas, schema_by_title

_REQUIRED = re.compile(r"^'(.*)' is a required property$", re.DOTALL)
_FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer of a path."""
    return "".join(f"/{_escape(part)}" for part in parts)


def _violation(error: SchemaError) -> dict[str, str]:
    path = pointer(error.absolute_path)
    if error.validator == "required":
        match = _REQUIRED.match(error.message)
        if match is not None:
            path = f"{path}/{_escape(match.group(1))}"
    return {"path": path, "keyword": str(error.validator), "message": error.message}


@cache
def _registry() -> Registry[Any]:
    resources = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in canonical_schemas()
        if "$id" in schema
    ]
    return Registry().with_resources(resources)


@cache
def wire_validator(type_name: str) -> jsonschema.Draft202012Validator:
    """The compiled validator of one canonical wire type (by its schema title), cached."""
    return jsonschema.Draft202012Validator(
        schema_by_title(type_name), registry=_registry(), format_checker=_FORMAT_CHECKER
    )


def schema_validator(schema: Mapping[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for an application schema (e.g. a contract's definitions), formats asserted."""
    return jsonschema.Draft202012Validator(schema, registry=_registry(), format_checker=_FORMAT_CHECKER)


def violations(validator: jsonschema.Draft202012Validator, value: Any) -> list[dict[str, str]]:
    """All violations of a value (empty when valid)."""
    return [_violation(error) for error in validator.iter_errors(value)]


def validate_wire(type_name: str, value: Any) -> list[dict[str, str]]:
    return violations(wire_validator(type_name), value)

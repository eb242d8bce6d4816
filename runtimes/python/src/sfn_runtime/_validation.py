"""Validation against the canonical JSON Schemas (draft 2020-12, formats asserted) with violations
shaped as ``SchemaViolation`` ({path, keyword, message}, path a JSON pointer, P-LIFE-6).

Two validators per schema: jsonschema-rs answers "is it valid?" (about 0.6 µs for an envelope, against
about 110 µs with python-jsonschema, which was the largest CPU cost per call), and python-jsonschema
lists the violations of a value that is not. A value jsonschema-rs rejects but python-jsonschema
accepts (jsonschema-rs's email format is the stricter one) still has no violations, so python-jsonschema
decides; the fast path never accepts what a full validation would not list as valid for the formats the
contracts use (date-time, uuid, email, uri), which tests/unit/test_formats.py checks on both."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import jsonschema
import jsonschema_rs
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
def _fast_registry() -> Any:
    return jsonschema_rs.Registry(
        [(schema["$id"], schema) for schema in canonical_schemas() if "$id" in schema]
    )


class SchemaValidator:
    """One schema, compiled twice: the fast yes/no of jsonschema-rs and python-jsonschema's violations."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.python = jsonschema.Draft202012Validator(
            schema, registry=_registry(), format_checker=_FORMAT_CHECKER
        )
        try:
            self._fast: Any = jsonschema_rs.Draft202012Validator(
                dict(schema), registry=_fast_registry(), validate_formats=True
            )
        except Exception:  # a schema jsonschema-rs cannot compile is validated by python-jsonschema alone
            self._fast = None

    def violations(self, value: Any) -> list[dict[str, str]]:
        if self._fast is not None:
            try:
                if self._fast.is_valid(value):
                    return []
            except Exception:  # a value jsonschema-rs cannot read (not JSON data): the full validation
                pass
        return [_violation(error) for error in self.python.iter_errors(value)]


@cache
def wire_validator(type_name: str) -> SchemaValidator:
    """The compiled validator of one canonical wire type (by its schema title), cached."""
    return SchemaValidator(schema_by_title(type_name))


def schema_validator(schema: Mapping[str, Any]) -> SchemaValidator:
    """A validator for an application schema (e.g. a contract's definitions), formats asserted."""
    return SchemaValidator(schema)


def violations(validator: SchemaValidator, value: Any) -> list[dict[str, str]]:
    """All violations of a value (empty when valid)."""
    return validator.violations(value)


def validate_wire(type_name: str, value: Any) -> list[dict[str, str]]:
    return violations(wire_validator(type_name), value)

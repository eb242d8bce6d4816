// Static support module emitted next to Python contract glue: the schema-subset validator.
export const PY_SUPPORT = String.raw`"""Validator for the JSON Schema subset @sfn/codegen accepts, and the typed function error."""

from __future__ import annotations

import json
import re
from typing import Any

FORMATS = {
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}


class FunctionError(Exception):
    """Raised by handlers for typed failures; anything else becomes a SystemError (SFN_INTERNAL)."""

    def __init__(self, type: str, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.type = type
        self.code = code
        self.message = message
        self.details = details

    def to_error_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.details is not None:
            info["details"] = self.details
        return info


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "integer" if v.is_integer() else "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _esc(k: str) -> str:
    return k.replace("~", "~0").replace("/", "~1")


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate(defs: dict[str, Any], schema: dict[str, Any], value: Any, path: str, out: list[dict[str, str]]) -> None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        validate(defs, defs.get(ref[len("#/definitions/"):], {}), value, path, out)
        return
    any_of = schema.get("anyOf")
    if isinstance(any_of, list):
        for alt in any_of:
            errs: list[dict[str, str]] = []
            validate(defs, alt, value, path, errs)
            if not errs:
                return
        out.append({"path": path, "keyword": "anyOf", "message": "matches no alternative"})
        return
    t = _json_type(value)
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        if t not in allowed and not (t == "integer" and "number" in allowed):
            out.append({"path": path, "keyword": "type", "message": "must be " + " or ".join(allowed)})
            return
    enum = schema.get("enum")
    if isinstance(enum, list) and not any(e == value and type(e) is type(value) for e in enum):
        out.append({"path": path, "keyword": "enum", "message": "must be one of " + json.dumps(enum)})
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append({"path": path, "keyword": "minLength", "message": f"must have at least {schema['minLength']} characters"})
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append({"path": path, "keyword": "maxLength", "message": f"must have at most {schema['maxLength']} characters"})
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            out.append({"path": path, "keyword": "pattern", "message": "must match " + schema["pattern"]})
        fmt = FORMATS.get(schema.get("format", ""))
        if fmt is not None and fmt.match(value) is None:
            out.append({"path": path, "keyword": "format", "message": "must be a valid " + schema["format"]})
    if _num(value):
        if "minimum" in schema and value < schema["minimum"]:
            out.append({"path": path, "keyword": "minimum", "message": f"must be >= {schema['minimum']}"})
        if "maximum" in schema and value > schema["maximum"]:
            out.append({"path": path, "keyword": "maximum", "message": f"must be <= {schema['maximum']}"})
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append({"path": path, "keyword": "exclusiveMinimum", "message": f"must be > {schema['exclusiveMinimum']}"})
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            out.append({"path": path, "keyword": "exclusiveMaximum", "message": f"must be < {schema['exclusiveMaximum']}"})
    if isinstance(value, dict):
        props: dict[str, Any] = schema.get("properties", {})
        for r in schema.get("required", []):
            if r not in value:
                out.append({"path": path + "/" + _esc(r), "keyword": "required", "message": "is required"})
        extra = schema.get("additionalProperties")
        for k, v in value.items():
            if k in props:
                validate(defs, props[k], v, path + "/" + _esc(k), out)
            elif extra is False:
                out.append({"path": path + "/" + _esc(k), "keyword": "additionalProperties", "message": "is not allowed"})
            elif isinstance(extra, dict):
                validate(defs, extra, v, path + "/" + _esc(k), out)
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append({"path": path, "keyword": "minItems", "message": f"must have at least {schema['minItems']} items"})
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append({"path": path, "keyword": "maxItems", "message": f"must have at most {schema['maxItems']} items"})
        if schema.get("uniqueItems") is True and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            out.append({"path": path, "keyword": "uniqueItems", "message": "must not contain duplicates"})
        items = schema.get("items")
        if isinstance(items, dict):
            for i, v in enumerate(value):
                validate(defs, items, v, f"{path}/{i}", out)
`;

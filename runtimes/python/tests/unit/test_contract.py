from __future__ import annotations

from typing import Any

import pytest

from sfn_runtime.errors import ValidationError
from sfn_runtime.host import compile_contract

BAD_VALUES = {
    "date-time": "yesterday",
    "date": "2020-13-01",
    "time": "25:00",
    "duration": "P1X",
    "email": "nope",
    "hostname": "-bad-",
    "ipv4": "1.2.3",
    "ipv6": "::g",
    "uri": "not a uri",
    "uuid": "x",
    "json-pointer": "a/b",
    "regex": "(",
}


def _contract(definitions: dict[str, Any]) -> dict[str, Any]:
    return {
        "service": "S",
        "schemaVersion": "1.0.0",
        "functions": {"f": {"input": "In", "output": "Out"}},
        "definitions": {"Out": {}, **definitions},
    }


@pytest.mark.parametrize(("fmt", "value"), sorted(BAD_VALUES.items()))
def test_formats_are_asserted(fmt: str, value: str) -> None:
    """P-LIFE-5: format is an assertion, not an annotation."""
    _, functions = compile_contract(
        _contract({"In": {"type": "object", "properties": {"v": {"type": "string", "format": fmt}}}})
    )
    problems = functions["f"].parameter_violations({"v": value})
    assert [(v["path"], v["keyword"]) for v in problems] == [("/body/parameters/v", "format")]


def test_refs_resolve_within_the_contract_and_all_violations_are_listed() -> None:
    _, functions = compile_contract(
        _contract(
            {
                "Email": {"type": "string", "format": "email"},
                "In": {
                    "type": "object",
                    "properties": {"email": {"$ref": "#/definitions/Email"}, "age": {"type": "integer"}},
                    "required": ["email", "name"],
                },
            }
        )
    )
    found = {
        (v["path"], v["keyword"]) for v in functions["f"].parameter_violations({"email": "x", "age": "1"})
    }
    assert found == {
        ("/body/parameters/email", "format"),
        ("/body/parameters/age", "type"),
        ("/body/parameters/name", "required"),
    }
    assert functions["f"].timeout_ms == 30_000
    assert functions["f"].authenticated
    assert not functions["f"].idempotent


def test_invalid_contract_and_missing_definition() -> None:
    with pytest.raises(ValidationError):
        compile_contract({"service": "S"})
    with pytest.raises(ValidationError):
        compile_contract(_contract({}))

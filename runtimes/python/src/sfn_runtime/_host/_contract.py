"""A service contract compiled for the host: per-function specs and parameter/result validators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._validation import SchemaValidator, schema_validator, validate_wire, violations
from ..errors import ValidationError
from ..generated.wire_types import FunctionSpec, ServiceContract

DEFAULT_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class CompiledFunction:
    name: str
    spec: FunctionSpec
    input: SchemaValidator
    output: SchemaValidator

    @property
    def authenticated(self) -> bool:
        return self.spec.authenticated is not False

    @property
    def idempotent(self) -> bool:
        return self.spec.idempotent is True

    @property
    def timeout_ms(self) -> int:
        return self.spec.timeout_ms or DEFAULT_TIMEOUT_MS

    def parameter_violations(self, parameters: Any) -> list[dict[str, str]]:
        """Violations located from the envelope root (P-LIFE-6)."""
        return [{**v, "path": f"/body/parameters{v['path']}"} for v in violations(self.input, parameters)]

    def result_violations(self, result: Any) -> list[dict[str, str]]:
        return [{**v, "path": f"/body/result{v['path']}"} for v in violations(self.output, result)]


def _definition_validator(definitions: dict[str, Any], name: str) -> SchemaValidator:
    if name not in definitions:
        raise ValidationError(f"the contract has no definition '{name}'")
    # `#/definitions/<name>` refs resolve within the contract (P-LIFE-5).
    return schema_validator(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "definitions": definitions,
            "$ref": f"#/definitions/{name}",
        }
    )


def compile_contract(contract: dict[str, Any]) -> tuple[ServiceContract, dict[str, CompiledFunction]]:
    """Validates a contract against ServiceContract.schema.json and compiles its functions' schemas."""
    problems = validate_wire("ServiceContract", contract)
    if problems:
        raise ValidationError("the service contract is invalid", details={"violations": problems})
    typed = ServiceContract.from_dict(contract)
    definitions = contract["definitions"]
    compiled = {
        name: CompiledFunction(
            name,
            spec,
            _definition_validator(definitions, spec.input),
            _definition_validator(definitions, spec.output),
        )
        for name, spec in typed.functions.items()
    }
    return typed, compiled

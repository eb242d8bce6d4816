import { snakeCase } from "../../core/naming.js";
import { embeddedSchema } from "../bundle.js";
import type { Contract } from "../model.js";
import { type ResolvedNames, typeName } from "../options.js";

/** Protocol of handlers, dispatcher class and typed async client (keyword-only options). */
export function pythonGlue(contract: Contract, names: ResolvedNames): string {
  const P = names.pascal;
  const conv = (def: string, dir: "from" | "to"): string => `t.${snakeCase(typeName(def))}_${dir}_dict`;
  const handlers = contract.functions.map(
    (f) =>
      `    async def ${snakeCase(f.name)}(self, request: t.${typeName(f.input)}) -> t.${typeName(f.output)}:\n        """${f.description ?? `Implements ${f.name}.`}"""\n        ...`,
  );
  const cases = contract.functions.map(
    (f) =>
      `        if name == ${JSON.stringify(f.name)}:\n            return ${conv(f.output, "to")}(await self._handlers.${snakeCase(f.name)}(${conv(f.input, "from")}(parameters)))`,
  );
  const client = contract.functions.map(
    (f) =>
      `    async def ${snakeCase(f.name)}(self, request: t.${typeName(f.input)}) -> t.${typeName(f.output)}:\n        """${f.description ?? `Calls ${f.name}.`}"""\n        result = await self._call(${JSON.stringify(f.name)}, ${conv(f.input, "to")}(request))\n        return ${conv(f.output, "from")}(result)`,
  );
  const table = contract.functions.map(
    (f) => `    ${JSON.stringify(f.name)}: (${JSON.stringify(f.input)}, ${JSON.stringify(f.output)}),`,
  );
  return `"""Handler protocol, dispatcher and client for ${contract.service} ${contract.schemaVersion}."""

from __future__ import annotations

import json
from typing import Any, Protocol

from . import models as t
from ._support import FunctionError, validate

SERVICE = ${JSON.stringify(contract.service)}
SCHEMA_VERSION = ${JSON.stringify(contract.schemaVersion)}

_DEFINITIONS: dict[str, Any] = json.loads(${JSON.stringify(embeddedSchema(contract))})["definitions"]
_FUNCTIONS: dict[str, tuple[str, str]] = {
${table.join("\n")}
}


def validate_${snakeCase(P)}(definition: str, value: Any) -> list[dict[str, str]]:
    """Checks a JSON value against one of the contract's definitions (maxLength, formats, required, ...)."""
    out: list[dict[str, str]] = []
    validate(_DEFINITIONS, {"$ref": "#/definitions/" + definition}, value, "", out)
    return out


class ${P}Handlers(Protocol):
    """The functions of ${contract.service}: implement these, the dispatcher does the rest."""

${handlers.join("\n\n")}


def _failure(type: str, code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"type": type, "code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"status": "error", "error": error}


class ${P}Dispatcher:
    """Routes a CallBody to the handler with input and output validation; always returns a ReplyBody dict."""

    def __init__(self, handlers: ${P}Handlers) -> None:
        self._handlers = handlers

    async def _run(self, name: str, parameters: Any) -> Any:
${cases.join("\n")}
        raise KeyError(name)

    async def dispatch(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("function"), str):
            return _failure("ValidationError", "SFN_CALL_INVALID", "body must be a CallBody {function, parameters}")
        name: str = body["function"]
        spec = _FUNCTIONS.get(name)
        if spec is None:
            return _failure("NotFound", "SFN_FUNCTION_NOT_FOUND", "unknown function " + name)
        parameters = body.get("parameters")
        violations = validate_${snakeCase(P)}(spec[0], parameters)
        if violations:
            return _failure("ValidationError", "SFN_PARAMETERS_INVALID", "parameters do not match " + spec[0], {"violations": violations})
        try:
            result = await self._run(name, parameters)
        except FunctionError as e:
            return {"status": "error", "error": e.to_error_info()}
        except Exception:
            return _failure("SystemError", "SFN_INTERNAL", "the function failed")
        result_violations = validate_${snakeCase(P)}(spec[1], result)
        if result_violations:
            return _failure("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], {"violations": result_violations})
        return {"status": "success", "result": result}


class ${P}Transport(Protocol):
    """Sends one call and returns the success result (adapts the runtime's Messaging.send_and_wait)."""

    async def call(self, service: str, function: str, parameters: Any) -> Any:
        ...


class ${P}Client:
    """Typed client: validates requests before sending and results after receiving."""

    def __init__(self, transport: ${P}Transport) -> None:
        self._transport = transport

    async def _call(self, name: str, parameters: Any) -> Any:
        spec = _FUNCTIONS[name]
        violations = validate_${snakeCase(P)}(spec[0], parameters)
        if violations:
            raise FunctionError("ValidationError", "SFN_PARAMETERS_INVALID", "request does not match " + spec[0], {"violations": violations})
        result = await self._transport.call(SERVICE, name, parameters)
        result_violations = validate_${snakeCase(P)}(spec[1], result)
        if result_violations:
            raise FunctionError("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], {"violations": result_violations})
        return result

${client.join("\n\n")}
`;
}

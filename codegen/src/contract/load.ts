import { wireValidator } from "@sfn/contracts";
import { pascalCase } from "../core/naming.js";
import { isObject, type Json, pointer } from "../schema/transform.js";
import { ContractError, ContractErrorCodes, type ContractProblem } from "./errors.js";
import { duplicateKeys } from "./json-parse.js";
import { lintSchema } from "./lint.js";
import type { Contract, ContractFunction } from "./model.js";
import { normalizeDefinitions } from "./normalize.js";

/**
 * Parses, validates (ServiceContract schema, then our own rules) and normalises a contract.
 * Throws ContractError listing every problem with its JSON pointer.
 */
export function loadContract(input: string | object, source = "contract"): Contract {
  const problems: ContractProblem[] = [];
  let doc: unknown;
  if (typeof input === "string") {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new ContractError(source, [
        { pointer: "", code: ContractErrorCodes.invalid, message: `not JSON: ${(e as Error).message}` },
      ]);
    }
    for (const d of duplicateKeys(input))
      problems.push({
        pointer: `${d.pointer}${pointer(d.key)}`,
        code: d.pointer === "/functions" ? ContractErrorCodes.duplicateFunction : ContractErrorCodes.invalid,
        message:
          d.pointer === "/functions"
            ? `function '${d.key}' is declared twice`
            : `key '${d.key}' appears twice`,
      });
  } else doc = input;
  // Loose draft-3 `required: true` inside definitions would fail nothing here: definitions are free-form objects.
  const shape = wireValidator().validate("ServiceContract", doc);
  if (!shape.valid) {
    for (const v of shape.violations)
      problems.push({
        pointer: (v as { path?: string }).path ?? "",
        code: ContractErrorCodes.invalid,
        message: (v as { message?: string }).message ?? "invalid",
      });
    throw new ContractError(source, problems);
  }
  const c = doc as {
    service: string;
    schemaVersion: string;
    backwardCompatible?: string[];
    functions: Record<string, Omit<ContractFunction, "name">>;
    definitions: Record<string, Json>;
  };
  const byIdiomaticName = new Map<string, string>();
  for (const name of Object.keys(c.functions).sort()) {
    const key = pascalCase(name);
    const other = byIdiomaticName.get(key);
    if (other !== undefined)
      problems.push({
        pointer: pointer("functions", name),
        code: ContractErrorCodes.duplicateFunction,
        message: `functions '${other}' and '${name}' both become '${key}' in generated code`,
      });
    byIdiomaticName.set(key, name);
    const f = c.functions[name]!;
    for (const side of ["input", "output"] as const)
      if (!isObject(c.definitions[f[side]]))
        problems.push({
          pointer: pointer("functions", name, side),
          code: ContractErrorCodes.definitionMissing,
          message: `no definition named '${f[side]}'`,
        });
  }
  const definitions = normalizeDefinitions(c.definitions, problems);
  for (const [name, schema] of Object.entries(definitions))
    lintSchema(schema, pointer("definitions", name), definitions, problems);
  if (problems.length > 0) throw new ContractError(source, problems);
  return {
    service: c.service,
    schemaVersion: c.schemaVersion,
    backwardCompatible: [...(c.backwardCompatible ?? [])],
    functions: Object.keys(c.functions)
      .sort()
      .map((name) => ({ name, ...c.functions[name]! })),
    definitions,
  };
}

import type { ServiceContract } from "@sfn/contracts";

type Schema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  items?: Schema;
  $ref?: string;
};

const BY_FORMAT: Record<string, string> = {
  email: "ada@example.test",
  uuid: "00000000-0000-4000-8000-000000000001",
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  uri: "https://example.test/",
};

/** A value that satisfies a schema's common constraints, for the ready-to-paste `sfn call` line. */
function exampleOf(schema: Schema, contract: ServiceContract, depth = 0): unknown {
  if (depth > 4) return null;
  if (schema.$ref?.startsWith("#/definitions/")) {
    const target = contract.definitions[schema.$ref.slice("#/definitions/".length)] as Schema | undefined;
    return target ? exampleOf(target, contract, depth + 1) : null;
  }
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return BY_FORMAT[schema.format ?? ""] ?? "example";
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    case "array":
      return schema.items ? [exampleOf(schema.items, contract, depth + 1)] : [];
    case "object":
    case undefined: {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        out[name] = exampleOf(schema.properties?.[name] ?? {}, contract, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}

/** Parameters for `fn` built from its input schema: its required fields with plausible values. */
export function exampleParameters(contract: ServiceContract, fn: string): Record<string, unknown> {
  const spec = contract.functions[fn];
  const input = spec ? (contract.definitions[spec.input] as Schema | undefined) : undefined;
  const value = input ? exampleOf(input, contract) : {};
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

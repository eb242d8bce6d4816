import { isObject, type Json, pointer, type SchemaObject } from "../schema/transform.js";
import { ContractErrorCodes, type ContractProblem } from "./errors.js";

/** Keywords every language's types or generated validation carry; anything else is rejected. */
export const SUPPORTED_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "format",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "uniqueItems",
  "$ref",
  "anyOf",
  "oneOf",
  "description",
  "title",
  "default",
  "examples",
  "$comment",
  "deprecated",
]);

export const SUPPORTED_FORMATS = new Set(["email", "date-time", "uuid", "date"]);

const isNullSchema = (s: Json): boolean => isObject(s) && s.type === "null" && Object.keys(s).length === 1;

function isObjectLike(s: Json, defs: Record<string, SchemaObject>, seen = new Set<string>()): boolean {
  if (!isObject(s)) return false;
  if (typeof s.$ref === "string") {
    const name = s.$ref.replace("#/definitions/", "");
    if (seen.has(name)) return true;
    seen.add(name);
    return isObjectLike(defs[name] ?? null, defs, seen);
  }
  return s.type === "object" || isObject(s.properties);
}

/** Checks one normalised schema; returns problems with pointers into the contract document. */
export function lintSchema(
  schema: Json,
  at: string,
  defs: Record<string, SchemaObject>,
  problems: ContractProblem[],
): void {
  if (!isObject(schema)) {
    if (typeof schema !== "boolean")
      problems.push({ pointer: at, code: ContractErrorCodes.invalid, message: "a schema must be an object" });
    return;
  }
  for (const [k, v] of Object.entries(schema)) {
    const here = `${at}${pointer(k)}`;
    if (!SUPPORTED_KEYWORDS.has(k)) {
      problems.push({
        pointer: here,
        code: ContractErrorCodes.unsupportedKeyword,
        message: `keyword '${k}' is not supported by @sfn/codegen`,
      });
      continue;
    }
    if (k === "$ref") {
      const m = typeof v === "string" ? /^#\/definitions\/([A-Za-z][A-Za-z0-9_]*)$/.exec(v) : null;
      if (m === null || defs[m[1]!] === undefined)
        problems.push({
          pointer: here,
          code: ContractErrorCodes.unknownRef,
          message: `unknown $ref ${JSON.stringify(v)} (expected '#/definitions/<name>' of an existing definition)`,
        });
    } else if (k === "format" && (typeof v !== "string" || !SUPPORTED_FORMATS.has(v))) {
      problems.push({
        pointer: here,
        code: ContractErrorCodes.unsupportedKeyword,
        message: `format ${JSON.stringify(v)} is not supported (use one of ${[...SUPPORTED_FORMATS].join(", ")})`,
      });
    } else if (k === "properties" && isObject(v)) {
      for (const [n, c] of Object.entries(v)) lintSchema(c, `${here}${pointer(n)}`, defs, problems);
    } else if ((k === "items" || k === "additionalProperties") && isObject(v)) {
      lintSchema(v, here, defs, problems);
    } else if (k === "anyOf" || k === "oneOf") {
      const alts = Array.isArray(v) ? v : [];
      alts.forEach((c, i) => {
        lintSchema(c, `${here}/${i}`, defs, problems);
      });
      const objects = alts.filter((c) => isObjectLike(c, defs));
      const nonNull = alts.filter((c) => !isNullSchema(c));
      if (objects.length > 1 || (objects.length === 1 && nonNull.length > 1))
        problems.push({
          pointer: here,
          code: ContractErrorCodes.unsupportedSchema,
          message: `${k} with object alternatives is not supported: quicktype merges them into one class with every field optional, which accepts and produces invalid values. Use one object with a discriminator enum and optional members, or separate functions`,
        });
      else if (nonNull.length > 1)
        problems.push({
          pointer: here,
          code: ContractErrorCodes.unsupportedSchema,
          message: `${k} is only supported as a nullable wrapper ([X, {"type": "null"}])`,
        });
    }
  }
}

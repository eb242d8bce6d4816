import { isObject, type Json, pointer, type SchemaObject } from "../schema/transform.js";
import { ContractErrorCodes, type ContractProblem } from "./errors.js";

/**
 * Draft-3 style `"required": true` on a property (as in the design document's example) is lifted into
 * the parent's `required` array.
 */
function liftBooleanRequired(schema: SchemaObject): SchemaObject {
  const props = schema.properties;
  if (!isObject(props)) return schema;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties: SchemaObject = {};
  for (const [name, prop] of Object.entries(props)) {
    if (isObject(prop) && typeof prop.required === "boolean") {
      const { required: flag, ...rest } = prop;
      if (flag) required.add(name);
      properties[name] = rest;
    } else properties[name] = prop;
  }
  const out: SchemaObject = { ...schema, properties };
  if (required.size > 0) out.required = [...required].sort();
  return out;
}

/**
 * `allOf` of object schemas becomes one object schema (properties and required merged, closed when any
 * part is closed). quicktype otherwise emits an empty class when a part has additionalProperties:false,
 * and a literal reading would reject every property of the other parts.
 */
function mergeAllOf(
  schema: SchemaObject,
  defs: Record<string, Json>,
  at: string,
  problems: ContractProblem[],
): SchemaObject {
  const parts = schema.allOf;
  if (!Array.isArray(parts)) return schema;
  const { allOf: _, ...rest } = schema;
  const merged: SchemaObject = { ...rest, type: "object" };
  const properties: SchemaObject = isObject(rest.properties) ? { ...rest.properties } : {};
  const required = new Set<string>(Array.isArray(rest.required) ? (rest.required as string[]) : []);
  let closed = rest.additionalProperties === false;
  parts.forEach((part, i) => {
    let p = part;
    if (isObject(p) && typeof p.$ref === "string") p = defs[p.$ref.replace("#/definitions/", "")] ?? null;
    if (!isObject(p) || (p.type !== undefined && p.type !== "object")) {
      problems.push({
        pointer: `${at}/allOf/${i}`,
        code: ContractErrorCodes.unsupportedSchema,
        message: "allOf parts must be object schemas",
      });
      return;
    }
    if (isObject(p.properties)) Object.assign(properties, p.properties);
    if (Array.isArray(p.required)) for (const r of p.required) required.add(String(r));
    if (p.additionalProperties === false) closed = true;
  });
  merged.properties = properties;
  if (required.size > 0) merged.required = [...required].sort();
  if (closed) merged.additionalProperties = false;
  return merged;
}

/**
 * A nullable enum (`type: [string, null]` with `null` among the values) becomes
 * `anyOf: [{enum without null}, {type: null}]`: quicktype otherwise puts the null into the enum (or
 * drops the nullability), producing a member that cannot be serialised.
 */
function splitNullableEnum(schema: SchemaObject): SchemaObject {
  const en = schema.enum;
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
  const hasNull = Array.isArray(en) && en.includes(null);
  if (!Array.isArray(en) || !(hasNull || types?.includes("null"))) return schema;
  const { enum: _, type: __, ...rest } = schema;
  const base = types?.filter((t) => t !== "null") ?? [];
  const values = en.filter((v) => v !== null);
  const enumSchema: SchemaObject = { enum: values };
  if (base.length === 1) enumSchema.type = base[0]!;
  return { ...rest, anyOf: [enumSchema, { type: "null" }] };
}

function walk(value: Json, defs: Record<string, Json>, at: string, problems: ContractProblem[]): Json {
  if (!isObject(value)) return value;
  let s = splitNullableEnum(mergeAllOf(liftBooleanRequired(value), defs, at, problems));
  const out: SchemaObject = {};
  for (const [k, v] of Object.entries(s)) {
    if ((k === "properties" || k === "$defs") && isObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([n, c]) => [n, walk(c, defs, `${at}/${k}/${n}`, problems)]),
      );
    } else if ((k === "items" || k === "additionalProperties") && isObject(v)) {
      out[k] = walk(v, defs, `${at}/${k}`, problems);
    } else if ((k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
      out[k] = v.map((c, i) => walk(c, defs, `${at}/${k}/${i}`, problems));
    } else out[k] = v;
  }
  s = out;
  return s;
}

/** Normalises every definition; problems found on the way are appended to `problems`. */
export function normalizeDefinitions(
  definitions: Record<string, Json>,
  problems: ContractProblem[],
): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = {};
  for (const name of Object.keys(definitions).sort()) {
    out[name] = walk(definitions[name]!, definitions, pointer("definitions", name), problems) as SchemaObject;
  }
  return out;
}

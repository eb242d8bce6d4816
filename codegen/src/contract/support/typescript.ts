// Static support code emitted next to TypeScript contract glue: the schema-subset validator and the
// error shape. Kept free of dependencies so generated code compiles on its own.
export const TS_SUPPORT = String.raw`export interface Violation {
  path: string;
  keyword: string;
  message: string;
}

export interface ErrorInfo {
  type: string;
  code: string;
  message: string;
  details?: unknown;
}

export type ReplyBody = { status: "success"; result: unknown } | { status: "error"; error: ErrorInfo };

/** Raised by handlers for typed failures; anything else becomes a SystemError (SFN_INTERNAL). */
export class FunctionError extends Error {
  readonly type: string;
  readonly code: string;
  readonly details: unknown;

  constructor(type: string, code: string, message: string, details?: unknown) {
    super(message);
    this.type = type;
    this.code = code;
    this.details = details;
  }

  toErrorInfo(): ErrorInfo {
    return this.details === undefined
      ? { type: this.type, code: this.code, message: this.message }
      : { type: this.type, code: this.code, message: this.message, details: this.details };
  }
}

type Schema = { [key: string]: unknown };

const FORMATS: Record<string, RegExp> = {
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

const esc = (k: string): string => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Validates a JSON value against a definition of the embedded schema subset. */
export function validate(defs: Record<string, Schema>, schema: Schema, value: unknown, path: string, out: Violation[]): void {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    validate(defs, defs[ref.slice("#/definitions/".length)] ?? {}, value, path, out);
    return;
  }
  const anyOf = schema.anyOf as Schema[] | undefined;
  if (anyOf !== undefined) {
    const ok = anyOf.some((s) => {
      const errs: Violation[] = [];
      validate(defs, s, value, path, errs);
      return errs.length === 0;
    });
    if (!ok) out.push({ path, keyword: "anyOf", message: "matches no alternative" });
    return;
  }
  const t = jsonType(value);
  const types = schema.type === undefined ? undefined : ([] as string[]).concat(schema.type as string | string[]);
  if (types !== undefined && !types.includes(t) && !(t === "integer" && types.includes("number"))) {
    out.push({ path, keyword: "type", message: "must be " + types.join(" or ") });
    return;
  }
  const en = schema.enum as unknown[] | undefined;
  if (en !== undefined && !en.some((e) => e === value)) out.push({ path, keyword: "enum", message: "must be one of " + JSON.stringify(en) });
  if (typeof value === "string") {
    const len = [...value].length;
    if (typeof schema.minLength === "number" && len < schema.minLength) out.push({ path, keyword: "minLength", message: "must have at least " + schema.minLength + " characters" });
    if (typeof schema.maxLength === "number" && len > schema.maxLength) out.push({ path, keyword: "maxLength", message: "must have at most " + schema.maxLength + " characters" });
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) out.push({ path, keyword: "pattern", message: "must match " + schema.pattern });
    const format = FORMATS[schema.format as string];
    if (format !== undefined && !format.test(value)) out.push({ path, keyword: "format", message: "must be a valid " + schema.format });
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) out.push({ path, keyword: "minimum", message: "must be >= " + schema.minimum });
    if (typeof schema.maximum === "number" && value > schema.maximum) out.push({ path, keyword: "maximum", message: "must be <= " + schema.maximum });
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) out.push({ path, keyword: "exclusiveMinimum", message: "must be > " + schema.exclusiveMinimum });
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) out.push({ path, keyword: "exclusiveMaximum", message: "must be < " + schema.exclusiveMaximum });
  }
  if (t === "object") {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) out.push({ path: path + "/" + esc(r), keyword: "required", message: "is required" });
    for (const [k, v] of Object.entries(obj)) {
      const p = props[k];
      if (p !== undefined) validate(defs, p, v, path + "/" + esc(k), out);
      else if (schema.additionalProperties === false) out.push({ path: path + "/" + esc(k), keyword: "additionalProperties", message: "is not allowed" });
      else if (typeof schema.additionalProperties === "object") validate(defs, schema.additionalProperties as Schema, v, path + "/" + esc(k), out);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) out.push({ path, keyword: "minItems", message: "must have at least " + schema.minItems + " items" });
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) out.push({ path, keyword: "maxItems", message: "must have at most " + schema.maxItems + " items" });
    if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) out.push({ path, keyword: "uniqueItems", message: "must not contain duplicates" });
    const items = schema.items as Schema | undefined;
    if (items !== undefined) value.forEach((v, i) => validate(defs, items, v, path + "/" + i, out));
  }
}
`;

// Structural helpers for JSON Schema documents.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type SchemaObject = { [key: string]: Json };

export function isObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep copy that drops `format` values for which `drop(format)` is true. */
export function withoutFormats(value: Json, drop: (format: string) => boolean): Json {
  if (Array.isArray(value)) return value.map((v) => withoutFormats(v, drop));
  if (!isObject(value)) return value;
  const out: SchemaObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "format" && typeof child === "string" && drop(child)) continue;
    out[key] = withoutFormats(child, drop);
  }
  return out;
}

/** RFC 6901 escaping of one reference token. */
export function pointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointer(...tokens: (string | number)[]): string {
  return tokens.map((t) => `/${pointerToken(String(t))}`).join("");
}

import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const INTERFACE_HASH_ALGORITHM = "sha256-jcs-v1";

/** Keywords that document a schema without changing what it accepts; they do not affect the hash. */
const ANNOTATION_KEYWORDS = new Set(["description", "title", "examples", "$comment", "$schema"]);

export interface CanonicalDefinitions {
  /** JSON Schemas of the wire types (each with an $id). */
  schemas: readonly object[];
  /** Operation manifests of the platform interfaces (each with an `interface` name). */
  operations: readonly object[];
}

function stripAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripAnnotations);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // A schema object under such a key is a property definition (e.g. a field named "title"), not an annotation.
    const isSchemaObject = typeof child === "object" && child !== null && !Array.isArray(child);
    if (ANNOTATION_KEYWORDS.has(key) && !isSchemaObject) continue;
    out[key] = stripAnnotations(child);
  }
  return out;
}

function keyed(items: readonly object[], key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const name = (item as Record<string, unknown>)[key];
    if (typeof name !== "string") throw new TypeError(`every definition needs a string '${key}'`);
    if (name in out) throw new TypeError(`duplicate definition '${name}'`);
    out[name] = stripAnnotations(item);
  }
  return out;
}

/**
 * A stable fingerprint of the canonical definitions, compared by the catalog and the sidecar to decide
 * whether an application and a base runtime speak the same interfaces.
 *
 * `sha256:` + hex SHA-256 of the RFC 8785 (JCS) canonical JSON of
 * `{"algorithm": "sha256-jcs-v1", "operations": {<interface>: manifest}, "schemas": {<$id>: schema}}`
 * where `description`, `title`, `examples`, `$comment` and `$schema` members whose value is not an object
 * are removed at every depth (`$schema` is a fixed dialect URI in schemas and a relative path in manifests).
 * Key order, whitespace, file names and documentation do not change it; any change to what a schema
 * accepts or to an operation's signature does.
 */
export function computeInterfaceHash(definitions: CanonicalDefinitions): string {
  const document = {
    algorithm: INTERFACE_HASH_ALGORITHM,
    operations: keyed(definitions.operations, "interface"),
    schemas: keyed(definitions.schemas, "$id"),
  };
  const canonical = canonicalize(document);
  if (canonical === undefined) throw new TypeError("definitions are not serialisable");
  return `sha256:${createHash("sha256").update(canonical, "utf8").digest("hex")}`;
}

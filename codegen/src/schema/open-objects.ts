import type { JSONSchema } from "quicktype-core";
import type { SchemaBundle } from "../quicktype/run.js";
import { isObject, type Json, type SchemaObject } from "./transform.js";

/**
 * JSON name of the placeholder property that marks an open object for the post-processing steps.
 * quicktype turns an object with declared `properties` that also allows other members (no
 * `additionalProperties: false`) into a class with the declared properties only (except in
 * TypeScript), so the undeclared members would be dropped by a parse + serialise round trip. The marker
 * is declared as an optional map property; each language's post-processing replaces the field it
 * becomes with that language's extension-data member (Python `extra`, Go `Extra`, Java
 * `@JsonAnySetter`/`@JsonAnyGetter`, C# `[JsonExtensionData]`). It never reaches the wire.
 */
export const EXTRA_MARKER = "sfnExtraMembers";

const ANNOTATIONS = new Set(["description", "title", "$comment", "examples", "default", "deprecated"]);

/**
 * Whether a schema node is an object with declared properties that admits *unconstrained* other members
 * (`additionalProperties` absent, `true` or `{}`): the case quicktype turns into a closed class. With
 * `additionalProperties` a schema, quicktype generates a map whose values cover the declared properties
 * too, which keeps every member, so that case needs no marker.
 */
export function isOpenObjectWithProperties(node: SchemaObject): boolean {
  const props = node.properties;
  if (!isObject(props) || Object.keys(props).length === 0) return false;
  const type = node.type;
  const objectTyped =
    type === undefined || type === "object" || (Array.isArray(type) && type.includes("object"));
  const extra = node.additionalProperties;
  const unconstrained =
    extra === undefined ||
    extra === true ||
    (isObject(extra) && Object.keys(extra).every((k) => ANNOTATIONS.has(k)));
  return objectTyped && unconstrained;
}

/** Deep copy with the marker property added to every open object with declared properties. */
export function markOpenObjects(value: Json): Json {
  if (Array.isArray(value)) return value.map(markOpenObjects);
  if (!isObject(value)) return value;
  const out: SchemaObject = {};
  for (const [key, child] of Object.entries(value)) {
    // Keyword values that are not schemas: keep verbatim (an `enum`/`const`/`examples` value may look like one).
    out[key] =
      key === "enum" || key === "const" || key === "examples" || key === "default" || key === "required"
        ? child
        : key === "properties" && isObject(child)
          ? Object.fromEntries(Object.entries(child).map(([k, v]) => [k, markOpenObjects(v)]))
          : markOpenObjects(child);
  }
  if (isOpenObjectWithProperties(value)) {
    if (EXTRA_MARKER in (value.properties as SchemaObject))
      throw new Error(`property name ${EXTRA_MARKER} is reserved by @sfn/codegen`);
    out.properties = {
      ...(out.properties as SchemaObject),
      [EXTRA_MARKER]: { type: "object", additionalProperties: {} },
    };
  }
  return out;
}

/** The bundle with every document's open objects marked (for the languages whose classes are closed). */
export function markOpenObjectsInBundle(bundle: SchemaBundle): SchemaBundle {
  const documents = new Map(
    [...bundle.documents].map(([k, v]) => [k, markOpenObjects(v as Json) as JSONSchema]),
  );
  return { sources: bundle.sources, documents };
}

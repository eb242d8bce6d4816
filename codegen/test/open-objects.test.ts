// Open objects (declared properties + other members allowed) get the extension-member marker that each
// language's post-processing turns into its idiomatic extension map; closed objects and maps do not.
import { describe, expect, it } from "vitest";
import { EXTRA_MARKER, isOpenObjectWithProperties, markOpenObjects } from "../src/schema/open-objects.js";
import type { Json, SchemaObject } from "../src/schema/transform.js";

const props = { id: { type: "string" } };

describe("open objects with declared properties", () => {
  it("are the objects with declared properties and unconstrained additionalProperties", () => {
    expect(isOpenObjectWithProperties({ type: "object", properties: props })).toBe(true);
    expect(isOpenObjectWithProperties({ properties: props, additionalProperties: true })).toBe(true);
    expect(isOpenObjectWithProperties({ properties: props, additionalProperties: {} })).toBe(true);
    expect(isOpenObjectWithProperties({ properties: props, additionalProperties: false })).toBe(false);
    // a typed additionalProperties schema: quicktype generates a map, which keeps every member
    expect(isOpenObjectWithProperties({ properties: props, additionalProperties: { type: "string" } })).toBe(
      false,
    );
    expect(isOpenObjectWithProperties({ type: "object", additionalProperties: true })).toBe(false);
    expect(isOpenObjectWithProperties({ type: "object", properties: {} })).toBe(false);
  });

  it("get the marker at any depth, and nothing else changes", () => {
    const schema = {
      definitions: {
        Doc: {
          type: "object",
          properties: { meta: { type: "object", properties: props }, tags: { type: "array", items: {} } },
          required: ["meta"],
        },
        Closed: { type: "object", properties: props, additionalProperties: false },
        Values: { type: "object", enum: [{ properties: { x: 1 } }] },
      },
    } as unknown as Json;
    const marked = markOpenObjects(schema) as { definitions: Record<string, SchemaObject> };
    const doc = marked.definitions.Doc!.properties as Record<string, SchemaObject>;
    expect(Object.keys(doc)).toEqual(["meta", "tags", EXTRA_MARKER]);
    expect(Object.keys(doc.meta!.properties as object)).toEqual(["id", EXTRA_MARKER]);
    expect(marked.definitions.Doc!.required).toEqual(["meta"]);
    expect(marked.definitions.Closed).toEqual((schema as never as typeof marked).definitions.Closed);
    expect(marked.definitions.Values).toEqual((schema as never as typeof marked).definitions.Values);
  });

  it("reserve the marker's name", () => {
    expect(() => markOpenObjects({ type: "object", properties: { [EXTRA_MARKER]: {} } })).toThrow(/reserved/);
  });
});

import { describe, expect, it } from "vitest";
import { computeInterfaceHash } from "./interface-hash.js";

const schema = {
  $id: "https://schemas.sfn.dev/x/Thing.schema.json",
  title: "Thing",
  description: "A thing.",
  type: "object",
  properties: { name: { type: "string", description: "its name" } },
  required: ["name"],
};
const manifest = {
  interface: "Things",
  factory: { name: "ThingsFactory", method: "create", params: [] },
  operations: [],
};

describe("computeInterfaceHash", () => {
  const base = computeInterfaceHash({ schemas: [schema], operations: [manifest] });

  it("ignores key order, whitespace and definition order", () => {
    const { required, ...rest } = schema;
    const reordered = JSON.parse(JSON.stringify({ required, ...rest }, null, 4));
    const other = { ...schema, $id: "https://schemas.sfn.dev/x/Other.schema.json" };
    expect(computeInterfaceHash({ schemas: [reordered], operations: [manifest] })).toBe(base);
    expect(computeInterfaceHash({ schemas: [schema, other], operations: [manifest] })).toBe(
      computeInterfaceHash({ schemas: [other, schema], operations: [manifest] }),
    );
  });

  it("ignores documentation (description, title, examples, $comment)", () => {
    const documented = {
      ...schema,
      title: "Renamed",
      description: "Other words.",
      $comment: "note",
      examples: ["x"],
    };
    expect(computeInterfaceHash({ schemas: [documented], operations: [manifest] })).toBe(base);
  });

  it("changes when what a schema accepts changes", () => {
    const tightened = { ...schema, properties: { name: { type: "string", maxLength: 3 } } };
    expect(computeInterfaceHash({ schemas: [tightened], operations: [manifest] })).not.toBe(base);
  });

  it("changes when an operation changes", () => {
    const withOp = {
      ...manifest,
      operations: [{ name: "get", params: [], returns: { primitive: "void" }, errors: [] }],
    };
    expect(computeInterfaceHash({ schemas: [schema], operations: [withOp] })).not.toBe(base);
  });

  it("keeps a property that happens to be named like an annotation", () => {
    const withTitleField = { ...schema, properties: { title: { type: "string" } } };
    expect(computeInterfaceHash({ schemas: [withTitleField], operations: [manifest] })).not.toBe(base);
  });

  it("rejects duplicate definitions", () => {
    expect(() => computeInterfaceHash({ schemas: [schema, schema], operations: [] })).toThrow(/duplicate/);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ContractError, type ContractProblem } from "../src/contract/errors.js";
import { loadContract } from "../src/contract/load.js";
import { packageRoot } from "./support/toolchain.js";

const base = {
  service: "S",
  schemaVersion: "1.0.0",
  functions: { f: { input: "In", output: "Out" } },
  definitions: { In: { type: "object", properties: { a: { type: "string" } } }, Out: { type: "object" } },
};

function problems(input: string | object): ContractProblem[] {
  try {
    loadContract(input, "test");
  } catch (e) {
    expect(e).toBeInstanceOf(ContractError);
    expect((e as ContractError).type).toBe("ValidationError");
    return [...(e as ContractError).problems];
  }
  throw new Error("expected the contract to be rejected");
}

const withIn = (schema: object) => ({ ...base, definitions: { ...base.definitions, In: schema } });

describe("invalid contracts are rejected with the JSON pointer of each problem", () => {
  it("unknown $ref", () => {
    expect(problems(withIn({ type: "object", properties: { a: { $ref: "#/definitions/Nope" } } }))).toEqual([
      expect.objectContaining({
        pointer: "/definitions/In/properties/a/$ref",
        code: "SFN_CONTRACT_REF_UNKNOWN",
      }),
    ]);
  });

  it("external $ref", () => {
    expect(problems(withIn({ $ref: "https://example.com/x.json" }))[0]).toMatchObject({
      pointer: "/definitions/In/$ref",
      code: "SFN_CONTRACT_REF_UNKNOWN",
    });
  });

  it("unsupported keyword and format", () => {
    const p = problems(
      withIn({ type: "object", properties: { a: { type: "string", format: "hostname" }, b: { not: {} } } }),
    );
    expect(p.map((x) => [x.pointer, x.code])).toEqual([
      ["/definitions/In/properties/a/format", "SFN_CONTRACT_KEYWORD_UNSUPPORTED"],
      ["/definitions/In/properties/b/not", "SFN_CONTRACT_KEYWORD_UNSUPPORTED"],
    ]);
  });

  it("duplicate function (literally, in the JSON text)", () => {
    const text = `{"service":"S","schemaVersion":"1.0.0","functions":{"f":{"input":"In","output":"Out"},"f":{"input":"In","output":"Out"}},"definitions":${JSON.stringify(base.definitions)}}`;
    expect(problems(text)).toEqual([
      expect.objectContaining({ pointer: "/functions/f", code: "SFN_CONTRACT_FUNCTION_DUPLICATE" }),
    ]);
  });

  it("duplicate function after case conversion (getUser / GetUser)", () => {
    const p = problems({
      ...base,
      functions: { getUser: { input: "In", output: "Out" }, GetUser: { input: "In", output: "Out" } },
    });
    expect(p[0]).toMatchObject({ code: "SFN_CONTRACT_FUNCTION_DUPLICATE" });
  });

  it("function naming a missing definition", () => {
    expect(problems({ ...base, functions: { f: { input: "In", output: "Missing" } } })).toEqual([
      expect.objectContaining({ pointer: "/functions/f/output", code: "SFN_CONTRACT_DEFINITION_MISSING" }),
    ]);
  });

  it("not a ServiceContract", () => {
    expect(problems({ service: "S" })[0]).toMatchObject({ code: "SFN_CONTRACT_INVALID" });
    expect(problems("{ not json")[0]).toMatchObject({ pointer: "", code: "SFN_CONTRACT_INVALID" });
  });

  it("the error message names every pointer", () => {
    try {
      loadContract(withIn({ type: "object", properties: { a: { $ref: "#/definitions/Nope" } } }), "c.json");
    } catch (e) {
      expect((e as Error).message).toContain("c.json: /definitions/In/properties/a/$ref: unknown $ref");
      expect((e as ContractError).code).toBe("SFN_CONTRACT_REF_UNKNOWN");
    }
  });
});

describe("quality corpus", () => {
  const corpus = (name: string) => readFileSync(join(packageRoot, "test/corpus", name), "utf8");

  it("rejects oneOf of objects (quicktype merges them into one class) with the pointer", () => {
    expect(problems(corpus("rejected/oneof-objects.contract.json"))).toEqual([
      expect.objectContaining({
        pointer: "/definitions/PayRequest/properties/method/oneOf",
        code: "SFN_CONTRACT_SCHEMA_UNSUPPORTED",
      }),
    ]);
  });

  it("rejects anyOf of objects with the pointer", () => {
    expect(problems(corpus("rejected/anyof-objects.contract.json"))).toEqual([
      expect.objectContaining({
        pointer: "/definitions/Shape/anyOf",
        code: "SFN_CONTRACT_SCHEMA_UNSUPPORTED",
      }),
    ]);
  });

  it("merges allOf (with additionalProperties:false parts) into one object", () => {
    const c = loadContract(corpus("corpus.contract.json"));
    expect(c.definitions.Composed).toEqual({
      type: "object",
      properties: { name: { type: "string" }, size: { type: "integer", minimum: 0 } },
      required: ["name", "size"],
      additionalProperties: false,
    });
  });

  it("splits a nullable enum into anyOf [enum, null]", () => {
    const c = loadContract(corpus("corpus.contract.json"));
    expect((c.definitions.Ticket!.properties as Record<string, unknown>).severity).toEqual({
      anyOf: [{ type: "string", enum: ["low", "high"] }, { type: "null" }],
    });
  });

  it("lifts the design document's draft-3 `required: true` into `required`", () => {
    const c = loadContract(
      readFileSync(join(packageRoot, "test/contracts/user-service.contract.json"), "utf8"),
    );
    expect(c.definitions.CreateUserRequest!.required).toEqual(["email", "name"]);
  });
});

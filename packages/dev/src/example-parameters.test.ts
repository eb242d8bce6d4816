import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ServiceContract } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { exampleParameters } from "./example-parameters.js";

const contract = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../examples/user-service/contract.json"), "utf8"),
) as ServiceContract;

describe("exampleParameters (the ready-to-paste sfn call line)", () => {
  it("fills the required fields with values their formats accept", () => {
    expect(exampleParameters(contract, "createUser")).toEqual({ email: "ada@example.test", name: "example" });
    expect(exampleParameters(contract, "getUser")).toEqual({
      userId: "00000000-0000-4000-8000-000000000001",
    });
    expect(exampleParameters(contract, "listUsers")).toEqual({});
  });

  it("follows $ref, prefers examples, const, enum and defaults, and survives unknown functions", () => {
    const c = {
      service: "S",
      schemaVersion: "1.0.0",
      definitions: {
        In: {
          type: "object",
          required: ["a", "b", "c", "d", "e"],
          properties: {
            a: { $ref: "#/definitions/Kind" },
            b: { type: "integer", minimum: 5 },
            c: { type: "string", examples: ["x"] },
            d: { type: "array", items: { type: "boolean" } },
            e: { type: "number", default: 2.5 },
          },
        },
        Kind: { enum: ["small", "large"] },
      },
      functions: { f: { input: "In", output: "In" } },
    } as unknown as ServiceContract;
    expect(exampleParameters(c, "f")).toEqual({ a: "small", b: 5, c: "x", d: [true], e: 2.5 });
    expect(exampleParameters(c, "nope")).toEqual({});
  });
});

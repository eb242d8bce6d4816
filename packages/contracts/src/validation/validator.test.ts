import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { loadOperations } from "../../scripts/canonical-sources.js";
import { canonicalSchemas } from "../generated/schemas.generated.js";
import { type WireTypeName, WireValidator } from "./validator.js";

const validator = new WireValidator();

describe("canonical schemas", () => {
  it("are valid JSON Schema 2020-12 (the validator skips this check at run time)", () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats.default(ajv);
    for (const schema of Object.values(canonicalSchemas)) {
      expect(ajv.validateSchema(schema as object), JSON.stringify(ajv.errors)).toBe(true);
    }
    const broken = { $id: "urn:test:broken", type: "object", properties: { a: { type: "strin" } } };
    expect(ajv.validateSchema(broken)).toBe(false);
  });

  it("all compile under ajv strict mode", () => {
    for (const name of Object.keys(canonicalSchemas)) {
      expect(() => validator.validate(name as WireTypeName, {})).not.toThrow();
    }
  });

  it("accept the design document's envelope and user context", () => {
    const envelope = {
      messageId: "0b8f3d0c-5a0e-4a53-9d64-2b0d7c7b2a10",
      callId: "crypto-nonce-abcdef0123456",
      replyTo: "event/12345/response",
      headers: { authorization: "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "content-type": "application/json" },
      body: { function: "createUser", parameters: { email: "a@example.test", name: "A" } },
    };
    expect(validator.validate("Envelope", envelope).valid).toBe(true);
    expect(validator.validate("CallBody", envelope.body).valid).toBe(true);
    expect(validator.validate("UserContext", { userId: "alice", roles: ["user"], groups: [] }).valid).toBe(
      true,
    );
  });

  it("validate the filter language recursively", () => {
    const filter = {
      $or: [{ age: { $gte: 18 } }, { "address.city": "Oslo" }],
      $not: { tags: { $contains: "x" } },
    };
    expect(validator.validate("Query", { filter, sort: [{ field: "age", direction: "desc" }] }).valid).toBe(
      true,
    );
    const injection = { filter: { "name'; DROP TABLE x; --": 1 } };
    expect(validator.validate("Query", injection).valid).toBe(false);
    expect(validator.validate("Query", { filter: { age: { $regex: ".*" } } }).valid).toBe(false);
  });

  it("validate service contracts", () => {
    const contract = {
      service: "UserService",
      schemaVersion: "2.1.0",
      backwardCompatible: ["2.0.0"],
      functions: { createUser: { input: "CreateUserRequest", output: "CreateUserResponse" } },
      definitions: { CreateUserRequest: { type: "object" }, CreateUserResponse: { type: "object" } },
    };
    expect(validator.validate("ServiceContract", contract).valid).toBe(true);
    const result = validator.validate("ServiceContract", { ...contract, schemaVersion: "v2" });
    expect(result.valid ? [] : result.violations.map((v) => v.path)).toEqual(["/schemaVersion"]);
  });

  it("validate the operation manifests against their meta schema", () => {
    const titles = new Set(Object.keys(canonicalSchemas));
    for (const manifest of loadOperations()) {
      const result = validator.validate("Operations", manifest.json);
      expect(result, manifest.path).toEqual({ valid: true, value: manifest.json });
      for (const ref of JSON.stringify(manifest.json).matchAll(/"ref":"(\w+)"/g)) {
        expect(titles.has(ref[1] as string), `${manifest.path} references unknown type ${ref[1]}`).toBe(true);
      }
    }
  });
});

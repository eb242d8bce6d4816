import { describe, expect, it } from "vitest";
import { canonicalSchemas } from "../generated/schemas.generated.js";
import type { ErrorType } from "../generated/wire-types.generated.js";
import {
  BusinessLogicError,
  errorClassFor,
  errorFromInfo,
  SystemError,
  TimeoutError,
  toErrorInfo,
  ValidationError,
} from "./error-types.js";
import { SfnError } from "./sfn-error.js";

describe("error model", () => {
  it("has one class per ErrorType of the schema, and round-trips through the wire form", () => {
    for (const type of canonicalSchemas.ErrorType.enum as readonly ErrorType[]) {
      const error = errorFromInfo({ type, code: "APP_CODE", message: "m", details: { a: 1 } });
      expect(error.type).toBe(type);
      expect(SfnError.isInstance(error)).toBe(true);
      expect(errorFromInfo(error.toErrorInfo())).toMatchObject({ type, code: "APP_CODE", details: { a: 1 } });
    }
  });

  it("maps each ErrorType to its class, and an unknown type to SystemError", () => {
    for (const type of canonicalSchemas.ErrorType.enum as readonly ErrorType[]) {
      expect(new (errorClassFor(type))("m").type).toBe(type);
    }
    expect(new (errorClassFor("Gone" as ErrorType))("m").type).toBe("SystemError");
  });

  it("derives a default code and retryability", () => {
    expect(new ValidationError("x").code).toBe("SFN_VALIDATION");
    expect(new BusinessLogicError("x").code).toBe("SFN_BUSINESS_LOGIC");
    expect(new SystemError("x").retryable).toBe(true);
    expect(new TimeoutError("x").retryable).toBe(true);
    expect(new ValidationError("x").retryable).toBe(false);
    expect(new SystemError("x", { retryable: false }).toErrorInfo().retryable).toBe(false);
  });

  it("recognises errors from another copy of the package", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("@sfn/contracts.SfnError")]: true });
    expect(SfnError.isInstance(foreign)).toBe(true);
    expect(SfnError.isInstance(new Error("x"))).toBe(false);
  });

  it("never leaks an unexpected error's message or stack onto the wire", () => {
    const info = toErrorInfo(new Error("password=hunter2 at /srv/app.js:10"));
    expect(info).toEqual({ type: "SystemError", code: "SFN_INTERNAL", message: "internal error" });
  });

  it("keeps stack and cause locally but not in JSON", () => {
    const error = new BusinessLogicError("insufficient funds", { code: "FUNDS", cause: new Error("inner") });
    expect(error.cause).toBeInstanceOf(Error);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      type: "BusinessLogicError",
      code: "FUNDS",
      message: "insufficient funds",
    });
    expect(error.name).toBe("BusinessLogicError");
  });
});

import { SfnError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { errorFromDriver, errorFromSql } from "./map-error.js";

describe("error mapping", () => {
  it("turns sfn.call errors into the contracts' classes with their codes", () => {
    expect(errorFromSql({ type: "ValidationError", code: "SFN_PAGE_INVALID", message: "m" })).toMatchObject({
      type: "ValidationError",
      code: "SFN_PAGE_INVALID",
    });
    expect(errorFromSql({ type: "Forbidden", code: "SFN_FORBIDDEN", message: "m" }).type).toBe("Forbidden");
    expect(errorFromSql({ type: "Strange", code: "X", message: "m" }).type).toBe("SystemError");
  });

  it("reads an SF-class SQLSTATE's DETAIL", () => {
    const e = errorFromDriver({
      code: "SF400",
      message: "bad",
      detail: '{"type":"ValidationError","code":"SFN_X"}',
    });
    expect(e).toMatchObject({ type: "ValidationError", code: "SFN_X" });
  });

  it("classifies driver failures", () => {
    expect(errorFromDriver({ code: "57014", message: "canceling" })).toMatchObject({
      type: "TimeoutError",
      code: "SFN_DB_TIMEOUT",
    });
    expect(errorFromDriver({ code: "40001" })).toMatchObject({ code: "SFN_DB_CONFLICT", retryable: true });
    expect(errorFromDriver({ code: "42883" })).toMatchObject({
      code: "SFN_SCHEMA_MISSING",
      retryable: false,
    });
    expect(errorFromDriver(new Error("connect ECONNREFUSED"))).toMatchObject({
      type: "SystemError",
      code: "SFN_DB_UNAVAILABLE",
      retryable: true,
    });
    const typed = errorFromSql({ type: "Conflict", code: "C", message: "m" });
    expect(errorFromDriver(typed)).toBe(typed);
    expect(SfnError.isInstance(errorFromDriver("weird"))).toBe(true);
  });
});

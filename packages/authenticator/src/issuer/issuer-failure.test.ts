import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";
import { httpStatusOf, isTransientIssuerFailure } from "./issuer-failure.js";

describe("isTransientIssuerFailure", () => {
  it("treats network errors, timeouts, 5xx and 429 as transient", () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    expect(isTransientIssuerFailure(refused)).toBe(true);
    expect(isTransientIssuerFailure(new DOMException("timed out", "TimeoutError"))).toBe(true);
    expect(isTransientIssuerFailure({ code: "ERR_JWKS_TIMEOUT" })).toBe(true);
    expect(isTransientIssuerFailure({ status: 503 })).toBe(true);
    expect(isTransientIssuerFailure({ status: 429 })).toBe(true);
    expect(isTransientIssuerFailure({ cause: new Response(null, { status: 502 }) })).toBe(true);
  });

  it("treats answers that are wrong as final", () => {
    expect(isTransientIssuerFailure({ cause: new Response(null, { status: 404 }) })).toBe(false);
    expect(isTransientIssuerFailure({ status: 401 })).toBe(false);
    expect(isTransientIssuerFailure(new TypeError("Invalid URL"))).toBe(false);
    expect(isTransientIssuerFailure(new Error("issuer mismatch"))).toBe(false);
    expect(isTransientIssuerFailure(undefined)).toBe(false);
  });

  it("reads the HTTP status of openid-client errors", () => {
    expect(httpStatusOf({ status: 400 })).toBe(400);
    expect(httpStatusOf({ cause: new Response(null, { status: 404 }) })).toBe(404);
    expect(httpStatusOf(new Error("x"))).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("doubles the ceiling per attempt up to the maximum, with full jitter", () => {
    const schedule = { attempts: 5, initialDelayMs: 100, maxDelayMs: 350 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(schedule, n, () => 1))).toEqual([100, 200, 350, 350]);
    expect(backoffDelay(schedule, 3, () => 0)).toBe(0);
  });
});

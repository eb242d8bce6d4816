import { describe, expect, it } from "vitest";
import { type IntrospectionChecks, judgeIntrospection } from "./judge-introspection.js";

const now = 1_800_000_000;
const checks: IntrospectionChecks = {
  issuer: "https://iss.test",
  audiences: ["api"],
  requireAudience: true,
  clockToleranceSec: 30,
  clock: () => now * 1000,
};
const active = {
  active: true,
  iss: "https://iss.test",
  aud: "api",
  sub: "s",
  exp: now + 60,
  token_type: "Bearer",
};

const reason = (response: Record<string, unknown>, c: IntrospectionChecks = checks) => {
  const verdict = judgeIntrospection(response, c);
  return verdict.active ? "active" : verdict.reason;
};

describe("judgeIntrospection", () => {
  it("accepts an active answer and hands on its claims without `active`", () => {
    const verdict = judgeIntrospection(active, checks);
    expect(verdict).toEqual({
      active: true,
      claims: { iss: "https://iss.test", aud: "api", sub: "s", exp: now + 60, token_type: "Bearer" },
    });
  });

  it("rejects what a JWT would be rejected for", () => {
    expect(reason({ active: false })).toBe("token_inactive");
    expect(reason({})).toBe("token_inactive");
    expect(reason({ ...active, active: "true" })).toBe("token_inactive");
    expect(reason({ ...active, iss: "https://evil.test" })).toBe("issuer_mismatch");
    expect(reason({ ...active, aud: ["other", "more"] })).toBe("audience_mismatch");
    expect(reason({ ...active, aud: undefined })).toBe("audience_mismatch");
    expect(reason({ ...active, exp: now - 31 })).toBe("token_expired");
    expect(reason({ ...active, exp: now - 29 })).toBe("active");
    expect(reason({ ...active, nbf: now + 31 })).toBe("token_not_yet_valid");
    expect(reason({ ...active, exp: "later" })).toBe("claims_invalid");
    expect(reason({ ...active, token_type: "refresh_token" })).toBe("claims_invalid");
  });

  it("accepts an answer without iss, and without aud when configured so", () => {
    expect(reason({ ...active, iss: undefined })).toBe("active");
    expect(reason({ ...active, aud: undefined }, { ...checks, requireAudience: false })).toBe("active");
    expect(reason({ ...active, aud: ["x", "api"] })).toBe("active");
  });
});

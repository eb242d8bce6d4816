import { describe, expect, it } from "vitest";
import { filterScopes, MAX_TEST_TOKEN_TTL, parseTtl, resourceServerInfo } from "./resources.js";

describe("resourceServerInfo", () => {
  it("gives urn:sfn:api RS256 JWT tokens and urn:sfn:api-opaque opaque ones", () => {
    expect(resourceServerInfo("urn:sfn:api")).toMatchObject({
      audience: "urn:sfn:api",
      accessTokenFormat: "jwt",
      jwt: { sign: { alg: "RS256" } },
    });
    expect(resourceServerInfo("urn:sfn:api-opaque")).toMatchObject({
      audience: "urn:sfn:api-opaque",
      accessTokenFormat: "opaque",
    });
    expect(resourceServerInfo("urn:sfn:api-opaque")).not.toHaveProperty("jwt");
    expect(resourceServerInfo("https://elsewhere")).toBeUndefined();
  });
});

describe("parseTtl", () => {
  it("accepts positive integer seconds up to the cap", () => {
    expect(parseTtl(undefined)).toBeUndefined();
    expect(parseTtl("")).toBeUndefined();
    expect(parseTtl("1")).toBe(1);
    expect(parseTtl(String(MAX_TEST_TOKEN_TTL))).toBe(MAX_TEST_TOKEN_TTL);
  });

  it("returns an error for anything else", () => {
    for (const bad of ["0", "-5", "1.5", "abc", String(MAX_TEST_TOKEN_TTL + 1)]) {
      expect(parseTtl(bad)).toHaveProperty("error");
    }
    expect(parseTtl(["1", "2"])).toHaveProperty("error");
  });
});

describe("filterScopes", () => {
  it("keeps known scopes in request order without duplicates", () => {
    expect(filterScopes("jobs:write bogus jobs:read jobs:write", "jobs:read jobs:write")).toBe(
      "jobs:write jobs:read",
    );
    expect(filterScopes("bogus", "jobs:read")).toBeUndefined();
    expect(filterScopes(undefined, "jobs:read")).toBeUndefined();
  });
});

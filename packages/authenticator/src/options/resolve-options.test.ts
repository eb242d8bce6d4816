import { ValidationError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import type { AuthenticatorOptions } from "./authenticator-options.js";
import { DEFAULT_ALGORITHMS, resolveOptions } from "./resolve-options.js";

const https = "https://issuer.example.test";
const credentials = { clientId: "rs", clientSecret: "secret" };

function settingRejected(url: string, options: AuthenticatorOptions): string | undefined {
  try {
    resolveOptions(url, options);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError & { details: { setting: string } }).details.setting;
  }
}

describe("resolveOptions", () => {
  it("applies the protocol defaults", () => {
    const resolved = resolveOptions(https, { audience: "urn:api" });
    expect(resolved).toMatchObject({
      mode: "jwt",
      audiences: ["urn:api"],
      algorithms: DEFAULT_ALGORITHMS,
      clockToleranceSec: 30,
      maxTokenLength: 16_384,
      includeToken: true,
      allowInsecureRequests: false,
    });
    expect(DEFAULT_ALGORITHMS).toEqual(["RS256", "PS256", "ES256", "EdDSA"]);
    expect([...resolved.accessTokenTypes]).toEqual(["at+jwt", "jwt"]);
  });

  it("defaults to auto when introspection credentials are given, with a 30 s cache", () => {
    const resolved = resolveOptions(https, { audience: "a", introspection: credentials });
    expect(resolved.mode).toBe("auto");
    expect(resolved.introspection).toMatchObject({ cacheTtlMs: 30_000, authMethod: "client_secret_basic" });
  });

  it("refuses none and HMAC algorithms whatever the configuration says", () => {
    for (const algorithms of [["none"], ["HS256"], ["RS256", "HS512"], []]) {
      expect(settingRejected(https, { audience: "a", algorithms })).toBe("algorithms");
    }
  });

  it("refuses plain http unless allowInsecureRequests is set", () => {
    expect(settingRejected("http://127.0.0.1:1", { audience: "a" })).toBe("allowInsecureRequests");
    expect(
      settingRejected("http://127.0.0.1:1", { audience: "a", allowInsecureRequests: true }),
    ).toBeUndefined();
  });

  it("refuses settings that cannot work", () => {
    expect(settingRejected("not a url", { audience: "a" })).toBe("oidcConfigUrl");
    expect(settingRejected("ftp://x", { audience: "a" })).toBe("oidcConfigUrl");
    expect(settingRejected(https, { audience: [] })).toBe("audience");
    expect(settingRejected(https, { audience: "" })).toBe("audience");
    expect(settingRejected(https, { audience: "a", mode: "introspection" })).toBe("introspection");
    expect(settingRejected(https, { audience: "a", mode: "auto" })).toBe("introspection");
    expect(settingRejected(https, { audience: "a", clockToleranceSec: 61 })).toBe("clockToleranceSec");
    expect(settingRejected(https, { audience: "a", clockToleranceSec: -1 })).toBe("clockToleranceSec");
    expect(settingRejected(https, { audience: "a", maxTokenLength: 0 })).toBe("maxTokenLength");
    expect(
      settingRejected(https, { audience: "a", introspection: { clientId: "x", clientSecret: "" } }),
    ).toBe("introspection");
    expect(settingRejected(https, { audience: "a", issuer: "nope" })).toBe("issuer");
    expect(settingRejected(https, undefined as unknown as AuthenticatorOptions)).toBe("options");
  });

  it("merges claim mapping overrides member by member", () => {
    const resolved = resolveOptions(https, { audience: "a", claims: { userId: ["oid"], roles: undefined } });
    expect(resolved.claims.userId).toEqual(["oid"]);
    expect(resolved.claims.roles).toContain("realm_access.roles");
  });
});

import { hasRole, wireValidator } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { authFailureReason } from "../errors/auth-errors.js";
import { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from "./claim-mapping.js";
import { UserContextMapper } from "./user-context-mapper.js";

const mapper = (overrides: Partial<ClaimMapping> = {}, audiences = ["api://orders"], clientId?: string) =>
  new UserContextMapper({ ...DEFAULT_CLAIM_MAPPING, ...overrides }, { audiences, clientId });

describe("UserContextMapper", () => {
  it("maps the standard claims and keeps the others", () => {
    const context = mapper().map({
      sub: "u1",
      email: "u1@example.test",
      roles: ["user", "admin", "user"],
      groups: ["staff"],
      tenant: "acme",
      client_id: "web",
      jti: "t-1",
      exp: 2_000_000_000,
      scope: "orders:read",
    });
    expect(context).toEqual({
      userId: "u1",
      email: "u1@example.test",
      roles: ["user", "admin"],
      groups: ["staff"],
      tenant: "acme",
      clientId: "web",
      tokenId: "t-1",
      expiresAt: 2_000_000_000,
      claims: { scope: "orders:read" },
    });
    expect(wireValidator().validate("UserContext", context).valid).toBe(true);
    expect(hasRole(context, "admin")).toBe(true);
  });

  it("freezes the whole identity so that no caller can change what another sees", () => {
    const context = mapper().map({ sub: "u1", roles: ["user"], nested: { a: [1] } });
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context.roles)).toBe(true);
    expect(() => (context.roles as string[]).push("admin")).toThrow(TypeError);
    expect(Object.isFrozen((context.claims as { nested: { a: number[] } }).nested.a)).toBe(true);
  });

  it("reads Keycloak realm roles and the client roles of this API only", () => {
    const context = mapper({}, ["orders-api"]).map({
      sub: "kc-user",
      azp: "frontend",
      realm_access: { roles: ["offline_access", "user"] },
      resource_access: {
        "orders-api": { roles: ["orders-admin"] },
        "billing-api": { roles: ["billing-admin"] },
      },
    });
    expect([...context.roles].sort()).toEqual(["offline_access", "orders-admin", "user"]);
    expect(context.clientId).toBe("frontend");
  });

  it("reads Auth0 permissions, organisation and namespaced claims", () => {
    const context = mapper().map({
      sub: "auth0|42",
      permissions: ["read:orders"],
      org_id: "org_123",
      "https://sfn.example.com/roles": ["editor"],
      "https://sfn.example.com/groups": ["emea"],
      "https://sfn.example.com/email": "x@example.test",
      "https://other.example.com/unrelated": "kept",
    });
    expect([...context.roles].sort()).toEqual(["editor", "read:orders"]);
    expect(context.groups).toEqual(["emea"]);
    expect(context.tenant).toBe("org_123");
    expect(context.email).toBe("x@example.test");
    expect(context.claims).toEqual({ "https://other.example.com/unrelated": "kept" });
  });

  it("limits namespaced claims to the listed namespaces, or reads none", () => {
    const claims = { sub: "s", "https://a.test/roles": ["a"], "https://b.test/roles": ["b"] };
    expect(mapper({ namespaced: ["https://a.test/"] }).map(claims).roles).toEqual(["a"]);
    expect(mapper({ namespaced: false }).map(claims).roles).toEqual([]);
  });

  it("reads Entra ID app roles and tenant, and an Okta client id", () => {
    const entra = mapper({ userId: ["oid", "sub"] }).map({
      sub: "pairwise",
      oid: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      roles: ["Orders.Write"],
      tid: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      appid: "app-1",
    });
    expect(entra).toMatchObject({
      userId: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
      roles: ["Orders.Write"],
      tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      clientId: "app-1",
    });
    expect(mapper().map({ sub: "okta", cid: "0oa1", groups: ["Everyone"] })).toMatchObject({
      clientId: "0oa1",
      groups: ["Everyone"],
    });
  });

  it("accepts a single string as one role and drops entries that cannot be roles", () => {
    const context = mapper().map({ sub: "s", roles: "admin", groups: ["ok", 7, "", "x".repeat(256), null] });
    expect(context.roles).toEqual(["admin"]);
    expect(context.groups).toEqual(["ok"]);
  });

  it("rejects a token without a usable subject as claims_invalid", () => {
    for (const claims of [{}, { sub: "" }, { sub: 42 }, { sub: "x".repeat(256) }]) {
      expect(() => mapper().map(claims)).toThrow();
      try {
        mapper().map(claims);
      } catch (error) {
        expect(authFailureReason(error)).toBe("claims_invalid");
      }
    }
  });

  it("omits optional members whose claim has the wrong type or size", () => {
    const context = mapper().map({ sub: "s", email: 5, tenant: "t".repeat(300), jti: ["x"], exp: "soon" });
    expect(context).toEqual({
      userId: "s",
      roles: [],
      groups: [],
      claims: { email: 5, tenant: "t".repeat(300), jti: ["x"], exp: "soon" },
    });
  });

  it("supports explicit segments for claim names with dots, and the clientId placeholder", () => {
    const context = mapper({ roles: [["app.roles"], "resource_access.{clientId}.roles"] }, [], "svc").map({
      sub: "s",
      "app.roles": ["dotted"],
      resource_access: { svc: { roles: ["svc-role"] } },
    });
    expect([...context.roles].sort()).toEqual(["dotted", "svc-role"]);
  });

  it("follows only own properties, never the prototype chain", () => {
    try {
      mapper({ userId: ["constructor.name"] }).map({ sub: "ignored" });
      expect.unreachable();
    } catch (error) {
      expect(authFailureReason(error)).toBe("claims_invalid");
    }
  });
});

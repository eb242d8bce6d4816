import { describe, expect, it } from "vitest";
import { findFixtureUser, fixtureUsers, userTokenClaims } from "./users.js";

describe("fixture users", () => {
  it("have stable, unique ids (other packages and languages hard-code them)", () => {
    expect(Object.fromEntries(Object.values(fixtureUsers).map((u) => [u.username, u.id]))).toEqual({
      alice: "00000000-0000-4000-8000-0000000a11ce",
      bob: "00000000-0000-4000-8000-000000000b0b",
      carol: "00000000-0000-4000-8000-00000000ca01",
      mallory: "00000000-0000-4000-8000-00000000bad0",
    });
  });

  it("carry the documented roles, groups, emails and tenants", () => {
    expect(fixtureUsers.alice).toMatchObject({
      roles: ["user"],
      groups: ["staff"],
      email: "alice@example.test",
      tenant: "acme",
    });
    expect(fixtureUsers.bob).toMatchObject({
      roles: ["user"],
      groups: [],
      email: "bob@example.test",
      tenant: "acme",
    });
    expect(fixtureUsers.carol).toMatchObject({ roles: ["admin", "user"], groups: ["ops"], tenant: "acme" });
    expect(fixtureUsers.mallory).toMatchObject({ roles: [], groups: [] });
    expect(Object.isFrozen(fixtureUsers.carol.roles)).toBe(true);
  });

  it("are found by username or id", () => {
    expect(findFixtureUser("carol")?.id).toBe(fixtureUsers.carol.id);
    expect(findFixtureUser(fixtureUsers.bob.id)?.username).toBe("bob");
    expect(findFixtureUser("eve")).toBeUndefined();
  });

  it("map to token claims with top-level and Keycloak-style roles", () => {
    const claims = userTokenClaims(fixtureUsers.carol);
    expect(claims).toMatchObject({
      email: "carol@example.test",
      roles: ["admin", "user"],
      realm_access: { roles: ["admin", "user"] },
      groups: ["ops"],
      tenant: "acme",
      preferred_username: "carol",
    });
    expect(claims).not.toHaveProperty("sub");
  });
});

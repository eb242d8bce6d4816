/** A user the fixture issuer can mint tokens for. Ids are stable across runs and machines. */
export interface FixtureUser {
  /** The token `sub`. */
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly tenant: string;
}

export type FixtureUserName = "alice" | "bob" | "carol" | "mallory";

/**
 * The fixture users. `mallory` has no roles and no groups and lives in another tenant (`globex`),
 * so she is the natural "authenticated but not authorised" caller in RBAC and tenancy tests.
 */
export const fixtureUsers: Readonly<Record<FixtureUserName, FixtureUser>> = Object.freeze({
  alice: Object.freeze({
    id: "00000000-0000-4000-8000-0000000a11ce",
    username: "alice",
    name: "Alice Example",
    email: "alice@example.test",
    roles: Object.freeze(["user"]),
    groups: Object.freeze(["staff"]),
    tenant: "acme",
  }),
  bob: Object.freeze({
    id: "00000000-0000-4000-8000-000000000b0b",
    username: "bob",
    name: "Bob Example",
    email: "bob@example.test",
    roles: Object.freeze(["user"]),
    groups: Object.freeze([]),
    tenant: "acme",
  }),
  carol: Object.freeze({
    id: "00000000-0000-4000-8000-00000000ca01",
    username: "carol",
    name: "Carol Example",
    email: "carol@example.test",
    roles: Object.freeze(["admin", "user"]),
    groups: Object.freeze(["ops"]),
    tenant: "acme",
  }),
  mallory: Object.freeze({
    id: "00000000-0000-4000-8000-00000000bad0",
    username: "mallory",
    name: "Mallory Example",
    email: "mallory@example.test",
    roles: Object.freeze([]),
    groups: Object.freeze([]),
    tenant: "globex",
  }),
});

/** Finds a fixture user by username or by id. */
export function findFixtureUser(usernameOrId: string): FixtureUser | undefined {
  for (const user of Object.values(fixtureUsers)) {
    if (user.username === usernameOrId || user.id === usernameOrId) return user;
  }
  return undefined;
}

/**
 * The claims the issuer adds to a user's access token: top-level `roles` and the Keycloak-style
 * `realm_access.roles`, plus `email`, `groups`, `tenant`, `preferred_username` and `name`.
 */
export function userTokenClaims(user: FixtureUser): Record<string, unknown> {
  return {
    email: user.email,
    email_verified: true,
    preferred_username: user.username,
    name: user.name,
    roles: [...user.roles],
    realm_access: { roles: [...user.roles] },
    groups: [...user.groups],
    tenant: user.tenant,
  };
}

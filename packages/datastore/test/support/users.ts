import type { UserContext } from "@sfn/contracts";
import type { SqlDriver } from "../../src/index.js";

/** The fixture's users (same names and roles as @sfn/testkit's fixtureUsers). */
export const users = {
  alice: { userId: "alice", roles: ["user"], groups: [], tokenId: "jti-alice" },
  bob: { userId: "bob", roles: ["user"], groups: [], tokenId: "jti-bob" },
  carol: { userId: "carol", roles: ["admin", "user"], groups: [], tokenId: "jti-carol" },
  mallory: { userId: "mallory", roles: [], groups: [], tokenId: "jti-mallory" },
} satisfies Record<string, UserContext>;

export const DATABASE = "app";

/**
 * carol becomes admin of `app` (bootstrap), role `user` may work with its own documents, role
 * `auditor` reads everything.
 */
export async function seedGrants(driver: SqlDriver, database = DATABASE): Promise<void> {
  await driver.query("SELECT sfn.bootstrap_admin($1, 'carol')", [database]);
  const ctx = JSON.stringify({ userId: "carol", roles: ["admin"], database });
  for (const [role, permissions] of [
    ["user", ["read:own", "write:own", "delete:own"]],
    ["auditor", ["read"]],
  ] as const) {
    await driver.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
      ctx,
      JSON.stringify({ role, permissions, database }),
    ]);
  }
}

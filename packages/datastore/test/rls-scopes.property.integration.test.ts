import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backend, backendNames, openBackend } from "./support/backends.js";

// sfn.rls_scopes (the collections whose other documents a caller may reach, which the row policies use)
// decides the permission rule for all collections in one statement since 0017. Random grants, role
// assignments, token roles and policies: it must name exactly the collections for which sfn._holds, the
// rule itself, holds the permission the collection's policy asks for (its definition in 0003).
const collections = ["c0", "c1", "c2", "c3"] as const;
const scope = fc.constantFrom("", ...collections);
const database = fc.constantFrom("scopes", "other");
const user = fc.constantFrom("u1", "u2");
const role = fc.constantFrom("r1", "r2", "r3");
const permission = fc.constantFrom("read", "read:own", "write", "write:own", "delete", "admin");

const grants = fc.record({
  policies: fc.array(fc.constantFrom("owner", "shared", "private"), {
    minLength: collections.length,
    maxLength: collections.length,
  }),
  userPermissions: fc.array(fc.record({ db: database, coll: scope, usr: user, perm: permission }), {
    maxLength: 6,
  }),
  rolePermissions: fc.array(fc.record({ db: database, coll: scope, role, perm: permission }), {
    maxLength: 6,
  }),
  userRoles: fc.array(fc.record({ db: database, coll: scope, usr: user, role }), { maxLength: 6 }),
  tokenRoles: fc.subarray(["r1", "r2", "r3"]),
});

type Grants = typeof grants extends fc.Arbitrary<infer T> ? T : never;

const REFERENCE = `SELECT c.name FROM sfn.collections c
  WHERE c.database = 'scopes'
    AND sfn._holds($2, ARRAY(SELECT jsonb_array_elements_text($3::jsonb)), c.database, c.name,
                   CASE c.policy WHEN 'shared' THEN ARRAY[$1, $1 || ':own', 'admin']
                                 WHEN 'owner' THEN ARRAY[$1, 'admin'] ELSE ARRAY['admin'] END)
  ORDER BY 1`;

describe.each(backendNames)("row policy scopes on %s", (backendName) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await openBackend(backendName);
  });
  afterAll(async () => {
    await backend?.close();
  });

  async function store(g: Grants): Promise<void> {
    const q = (text: string, params?: unknown[]) => backend.driver.query(text, params);
    await q("DELETE FROM sfn.user_permissions WHERE database IN ('scopes', 'other')");
    await q("DELETE FROM sfn.role_permissions WHERE database IN ('scopes', 'other')");
    await q("DELETE FROM sfn.user_roles WHERE database IN ('scopes', 'other')");
    await q(
      `INSERT INTO sfn.collections (database, name, policy)
       SELECT 'scopes', x.name, x.policy FROM jsonb_to_recordset($1::jsonb) AS x(name text, policy text)
       ON CONFLICT (database, name) DO UPDATE SET policy = excluded.policy`,
      [JSON.stringify(collections.map((name, i) => ({ name, policy: g.policies[i] })))],
    );
    await q(
      `INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)
       SELECT x.db, x.coll, x.usr, x.perm, 'test' FROM jsonb_to_recordset($1::jsonb) AS x(db text, coll text, usr text, perm text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(g.userPermissions)],
    );
    await q(
      `INSERT INTO sfn.role_permissions (database, collection, role, permission, granted_by)
       SELECT x.db, x.coll, x.role, x.perm, 'test' FROM jsonb_to_recordset($1::jsonb) AS x(db text, coll text, role text, perm text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(g.rolePermissions)],
    );
    await q(
      `INSERT INTO sfn.user_roles (database, collection, user_id, role, granted_by)
       SELECT x.db, x.coll, x.usr, x.role, 'test' FROM jsonb_to_recordset($1::jsonb) AS x(db text, coll text, usr text, role text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(g.userRoles)],
    );
  }

  it("names exactly the collections for which _holds grants what the policy asks for", async () => {
    await fc.assert(
      fc.asyncProperty(grants, async (g) => {
        await store(g);
        for (const who of ["u1", "u2"])
          for (const wanted of ["read", "write", "delete"]) {
            const { scopes, reference } = await backend.driver.transaction(async (tx) => {
              await tx.query(
                "SELECT set_config('sfn.user_id', $1, true), set_config('sfn.database', 'scopes', true), set_config('sfn.roles', $2, true)",
                [who, JSON.stringify(g.tokenRoles)],
              );
              const scopes = await tx.query<{ collection: string; database: string }>(
                "SELECT database, collection FROM sfn.rls_scopes($1) ORDER BY collection",
                [wanted],
              );
              const reference = await tx.query<{ name: string }>(REFERENCE, [
                wanted,
                who,
                JSON.stringify(g.tokenRoles),
              ]);
              return { scopes, reference };
            });
            expect(scopes.every((s) => s.database === "scopes")).toBe(true);
            expect(scopes.map((s) => s.collection)).toEqual(reference.map((r) => r.name));
          }
      }),
      { numRuns: 100 },
    );
  });

  it("names nothing without an identity or a database", async () => {
    await store({
      policies: ["owner", "owner", "shared", "private"],
      userPermissions: [],
      rolePermissions: [],
      userRoles: [],
      tokenRoles: [],
    });
    await backend.driver.query(
      "INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by) VALUES ('scopes', '', 'u1', 'admin', 'test')",
    );
    const scopes = (user: string, db: string) =>
      backend.driver.transaction(async (tx) => {
        await tx.query("SELECT set_config('sfn.user_id', $1, true), set_config('sfn.database', $2, true)", [
          user,
          db,
        ]);
        return (
          await tx.query<{ collection: string }>("SELECT collection FROM sfn.rls_scopes('read') ORDER BY 1")
        ).map((r) => r.collection);
      });
    expect(await scopes("u1", "scopes")).toEqual([...collections]);
    expect(await scopes("", "scopes")).toEqual([]);
    expect(await scopes("u1", "")).toEqual([]);
  });
});

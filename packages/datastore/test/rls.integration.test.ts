import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataStoreFactory, migrate, pgliteDriver } from "../src/index.js";
import { type Backend, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

describe("row-level security for a raw client logged in as the function role (PostgreSQL)", () => {
  let backend: Backend;
  let fnUrl: string;
  const role = `sfn_fn_${randomBytes(4).toString("hex")}`;
  let aliceIds: string[];

  beforeAll(async () => {
    backend = await openBackend("postgres");
    await seedGrants(backend.driver);
    await backend.driver.query(`CREATE ROLE ${role} LOGIN`);
    await backend.driver.query(`GRANT sfn_app TO ${role}`);
    const u = new URL(backend.url!);
    u.username = role;
    fnUrl = u.toString();
    const factory = createDataStoreFactory({ driver: backend.driver, database: DATABASE });
    aliceIds = await factory.createDataStore(users.alice).insertMany("secrets", [{ s: 1 }, { s: 2 }]);
    await factory.createDataStore(users.bob).insert("secrets", { s: 3 });
  });
  afterAll(async () => {
    await backend?.close();
    const c = new pg.Client({ connectionString: process.env.SFN_DATABASE_URL });
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${role}`);
    await c.end();
  });

  async function asFunctionRole<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: fnUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  async function asBob<T>(c: pg.Client, fn: () => Promise<T>): Promise<T> {
    await c.query("BEGIN");
    await c.query("SELECT set_config('sfn.user_id', 'bob', true), set_config('sfn.database', 'app', true)");
    try {
      return await fn();
    } finally {
      await c.query("ROLLBACK");
    }
  }

  it("shows no row without an identity, and only the caller's rows with one", async () => {
    await asFunctionRole(async (c) => {
      expect((await c.query("SELECT count(*)::int AS n FROM sfn.documents")).rows[0].n).toBe(0);
      await asBob(c, async () => {
        const rows = (await c.query("SELECT owner FROM sfn.documents")).rows;
        expect(rows).toEqual([{ owner: "bob" }]);
      });
      // '' is what a pooled connection reports after the identity's transaction ended: no user.
      await c.query("SELECT set_config('sfn.user_id', '', false)");
      expect((await c.query("SELECT count(*)::int AS n FROM sfn.documents")).rows[0].n).toBe(0);
    });
  });

  it("cannot change, steal or forge other users' rows", async () => {
    await asFunctionRole(async (c) => {
      await asBob(c, async () => {
        const updated = await c.query(
          "UPDATE sfn.documents SET data = '{\"s\": 0}' WHERE id = ANY($1::uuid[])",
          [aliceIds],
        );
        expect(updated.rowCount).toBe(0);
        const deleted = await c.query("DELETE FROM sfn.documents WHERE id = ANY($1::uuid[])", [aliceIds]);
        expect(deleted.rowCount).toBe(0);
      });
      await asBob(c, async () => {
        await expect(c.query("UPDATE sfn.documents SET owner = 'bob'")).rejects.toMatchObject({
          code: "42501",
        });
      });
      await asBob(c, async () => {
        await expect(
          c.query(
            "INSERT INTO sfn.documents (id, database, collection, owner, data) VALUES (gen_random_uuid(), 'app', 'secrets', 'alice', '{}')",
          ),
        ).rejects.toMatchObject({ code: "42501" });
      });
    });
  });

  it("cannot touch the audit trail, the grants or the bootstrap function directly", async () => {
    await asFunctionRole(async (c) => {
      for (const sql of [
        "SELECT * FROM sfn.audit_log",
        "DELETE FROM sfn.audit_log",
        "UPDATE sfn.audit_head SET seq = 0",
        "INSERT INTO sfn.user_permissions (database, user_id, permission, granted_by) VALUES ('app', 'bob', 'admin', 'bob')",
        "SELECT sfn.bootstrap_admin('app', 'bob')",
      ]) {
        await expect(c.query(sql), sql).rejects.toMatchObject({ code: "42501" });
      }
    });
  });

  it("serves the DataStore through a pool that logs in as the function role", async () => {
    const factory = createDataStoreFactory({
      connectionString: fnUrl,
      database: DATABASE,
      maxConnections: 2,
    });
    try {
      const alice = factory.createDataStore(users.alice);
      expect((await alice.query("secrets", {}, 1, 10)).total).toBe(2);
      await alice.insert("secrets", { s: 4 });
      expect((await factory.createDataStore(users.bob).query("secrets", {}, 1, 10)).total).toBe(1);
    } finally {
      await factory.close();
    }
  });
});

describe("PGlite: the difference (one superuser session, no logins)", () => {
  it("bypasses RLS for raw SQL; rows are protected only after switching to sfn_app, as sfn.call does", async () => {
    const db = await PGlite.create();
    try {
      const driver = pgliteDriver(db);
      await migrate(driver);
      await seedGrants(driver);
      const factory = createDataStoreFactory({ driver, database: DATABASE });
      await factory.createDataStore(users.alice).insert("secrets", { s: 1 });
      await factory.createDataStore(users.bob).insert("secrets", { s: 2 });
      // Raw SQL runs as the superuser `postgres`: every row is visible (a real server would show none).
      expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM sfn.documents")).rows[0]!.n).toBe(
        2,
      );
      const visible = await db.transaction(async (tx) => {
        await tx.query("SELECT set_config('role', 'sfn_app', true), set_config('sfn.user_id', 'bob', true)");
        return (await tx.query<{ owner: string }>("SELECT owner FROM sfn.documents")).rows;
      });
      expect(visible).toEqual([{ owner: "bob" }]);
      // Through the DataStore each user sees their own.
      expect((await factory.createDataStore(users.bob).query("secrets", {}, 1, 10)).total).toBe(1);
    } finally {
      await db.close();
    }
  });
});

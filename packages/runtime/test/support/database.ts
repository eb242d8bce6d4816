import { randomBytes } from "node:crypto";
import { migrate, pgDriver, type SqlDriver } from "@sfn/datastore";
import pg from "pg";

export interface TestDatabase {
  url: string;
  driver: SqlDriver;
  count(sql: string, params?: unknown[]): Promise<number>;
  drop(): Promise<void>;
}

function fixtureUrl(): string {
  const url = process.env.SFN_DATABASE_URL;
  if (!url) throw new Error("SFN_DATABASE_URL is not set (the testkit global setup sets it)");
  return url;
}

/** A fresh, migrated database of our own; role `user` may write its own documents in `app`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sfn_runtime_test_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: fixtureUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(fixtureUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  const driver = pgDriver({ connectionString: url, maxConnections: 4 });
  await migrate(driver);
  await driver.query("SELECT sfn.bootstrap_admin('app', 'carol')");
  await driver.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
    JSON.stringify({ userId: "carol", roles: ["admin"], database: "app" }),
    JSON.stringify({ role: "user", permissions: ["read:own", "write:own", "delete:own"], database: "app" }),
  ]);
  return {
    url,
    driver,
    async count(sql, params = []) {
      const [row] = await driver.query<{ n: string }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async drop() {
      await driver.close();
      const c = new pg.Client({ connectionString: fixtureUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

import { randomBytes } from "node:crypto";
import { migrate, pgDriver, type SqlDriver } from "@sfn/datastore";
import { fixtureUsers } from "@sfn/testkit";
import pg from "pg";

/** A fresh, migrated PostgreSQL database of this test file, dropped at the end. */
export interface TestDatabase {
  url: string;
  driver: SqlDriver;
  /** Rows of one SELECT count(*) … AS n. */
  count(sql: string, params?: unknown[]): Promise<number>;
  drop(): Promise<void>;
}

function fixtureUrl(): string {
  const url = process.env.SFN_DATABASE_URL;
  if (!url) throw new Error("SFN_DATABASE_URL is not set (the testkit global setup sets it)");
  return url;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: fixtureUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates and migrates a database, then seeds the bootstrap path the conformance runner uses too:
 * carol is admin of `logical`, and role `user` may read, write and delete its own documents there.
 */
export async function createTestDatabase(logical: string): Promise<TestDatabase> {
  const name = `sfn_node_conformance_${randomBytes(5).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(fixtureUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  const driver = pgDriver({ connectionString: url, maxConnections: 4 });
  await migrate(driver);
  const carol = fixtureUsers.carol.id;
  await driver.query("SELECT sfn.bootstrap_admin($1, $2)", [logical, carol]);
  await driver.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
    JSON.stringify({ userId: carol, roles: ["admin"], database: logical }),
    JSON.stringify({ role: "user", permissions: ["read:own", "write:own", "delete:own"], database: logical }),
  ]);
  return {
    url,
    driver,
    async count(sql, params = []) {
      const [row] = await driver.query<{ n: string | number }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async drop() {
      await driver.close();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

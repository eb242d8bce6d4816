// Both drivers the integration suites run on: the fixture's PostgreSQL (a database of our own per
// suite, dropped afterwards) and an in-process PGlite.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { migrate, pgDriver, pgliteDriver, type SqlDriver } from "../../src/index.js";

export interface Backend {
  kind: "pg" | "pglite";
  driver: SqlDriver;
  /** postgres only: URL of the suite's own database (superuser). */
  url?: string;
  close(): Promise<void>;
}

export type BackendName = "postgres" | "pglite";
export const backendNames: BackendName[] = ["postgres", "pglite"];

export function fixtureDatabaseUrl(): string {
  const url = process.env.SFN_DATABASE_URL;
  if (!url) throw new Error("SFN_DATABASE_URL is not set (the testkit global setup sets it)");
  return url;
}

/** A fresh, migrated database on the given backend. */
export async function openBackend(name: BackendName): Promise<Backend> {
  if (name === "pglite") {
    const db = await PGlite.create();
    const driver = pgliteDriver(db);
    await migrate(driver);
    return { kind: "pglite", driver, close: () => db.close() };
  }
  const dbName = `sfn_datastore_test_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: fixtureDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = withDatabase(fixtureDatabaseUrl(), dbName);
  const driver = pgDriver({ connectionString: url, maxConnections: 4 });
  await migrate(driver);
  return {
    kind: "pg",
    driver,
    url,
    async close() {
      await driver.close();
      const c = new pg.Client({ connectionString: fixtureDatabaseUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

// The two drivers the suite runs on: a database of our own on the fixture's PostgreSQL, and PGlite.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { migrate, pgDriver, pgliteDriver, type SqlDriver } from "@sfn/datastore";
import pg from "pg";

export interface Backend {
  driver: SqlDriver;
  close(): Promise<void>;
}

export async function openBackend(name: "postgres" | "pglite"): Promise<Backend> {
  if (name === "pglite") {
    const db = await PGlite.create();
    const driver = pgliteDriver(db);
    await migrate(driver);
    return { driver, close: () => db.close() };
  }
  const base = process.env.SFN_DATABASE_URL;
  if (!base) throw new Error("SFN_DATABASE_URL is not set (the testkit global setup sets it)");
  const dbName = `sfn_authorizer_test_${randomBytes(5).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  const driver = pgDriver({ connectionString: url.toString(), maxConnections: 2 });
  await migrate(driver);
  return {
    driver,
    async close() {
      await driver.close();
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    },
  };
}

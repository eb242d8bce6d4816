import { migrate, pgDriver } from "@sfn/datastore";
import pg from "pg";

/**
 * A database of our own on the fixture's PostgreSQL (the shared `sfn` database stays untouched), with
 * every migration applied. Returns its URL.
 */
export async function freshDatabase(name: string): Promise<string> {
  const base = process.env.SFN_DATABASE_URL;
  if (!base) throw new Error("SFN_DATABASE_URL is not set (the fixture's global setup sets it)");
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const driver = pgDriver({ connectionString: url.toString(), maxConnections: 1 });
  try {
    await migrate(driver);
  } finally {
    await driver.close();
  }
  return url.toString();
}

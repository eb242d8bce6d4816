import { migrate, pgDriver } from "@sfn/datastore";
import pg from "pg";

/**
 * The PostgreSQL database of one conformance run: a database of its own on the fixture's server
 * (`sfn_conformance_<run>`), migrated with the shared migrations and dropped at the end, so a run never
 * sees another run's rows or a stale migration. When the server refuses CREATE DATABASE (a managed
 * PostgreSQL through --fixture external) the fixture's database is used as it is.
 */
export interface RunDatabase {
  url: string;
  pool: pg.Pool;
  dispose(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function openRunDatabase(fixtureUrl: string, runId: string): Promise<RunDatabase> {
  const name = `sfn_conformance_${runId}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  const admin = new pg.Client({ connectionString: fixtureUrl });
  await admin.connect();
  let url = withDatabase(fixtureUrl, name);
  let created = true;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== "42501") throw error; // insufficient_privilege: use the fixture's database
    created = false;
    url = fixtureUrl;
  } finally {
    await admin.end();
  }
  const driver = pgDriver({ connectionString: url, maxConnections: 2 });
  try {
    await migrate(driver);
  } finally {
    await driver.close();
  }
  const pool = new pg.Pool({ connectionString: url, max: 6 });
  pool.on("error", () => {});
  return {
    url,
    pool,
    async dispose() {
      await pool.end();
      if (!created) return;
      const drop = new pg.Client({ connectionString: fixtureUrl });
      await drop.connect();
      try {
        await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await drop.end();
      }
    },
  };
}

import { randomBytes } from "node:crypto";
import pg from "pg";

/** A database of one test file or suite on the fixture's PostgreSQL server. */
export interface ScratchDatabase {
  name: string;
  /** The fixture's URL with this database as its path. */
  url: string;
  /** Drops it, disconnecting whoever is still connected (WITH (FORCE)). */
  drop(): Promise<void>;
}

/**
 * Creates `<stem>_<10 random hex digits>` on the server of `fixtureUrl` (default: SFN_DATABASE_URL, which
 * the testkit's global setup exports), so parallel suites never share rows. Empty: migrate it yourself.
 */
export async function createScratchDatabase(
  stem: string,
  fixtureUrl = process.env.SFN_DATABASE_URL,
): Promise<ScratchDatabase> {
  if (!fixtureUrl) throw new Error("SFN_DATABASE_URL is not set (the testkit global setup sets it)");
  const name = `${stem}_${randomBytes(5).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: fixtureUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(fixtureUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  };
}

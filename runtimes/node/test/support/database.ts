import { migrate, pgDriver, type SqlDriver } from "@sfn/datastore";
import { createScratchDatabase, fixtureUsers } from "@sfn/testkit";

/** A fresh, migrated PostgreSQL database of this test file, dropped at the end. */
export interface TestDatabase {
  url: string;
  driver: SqlDriver;
  /** Rows of one SELECT count(*) … AS n. */
  count(sql: string, params?: unknown[]): Promise<number>;
  drop(): Promise<void>;
}

/**
 * Creates and migrates a database, then seeds the bootstrap path the conformance runner uses too:
 * carol is admin of `logical`, and role `user` may read, write and delete its own documents there.
 */
export async function createTestDatabase(logical: string): Promise<TestDatabase> {
  const scratch = await createScratchDatabase("sfn_node_conformance");
  const driver = pgDriver({ connectionString: scratch.url, maxConnections: 4 });
  await migrate(driver);
  const carol = fixtureUsers.carol.id;
  await driver.query("SELECT sfn.bootstrap_admin($1, $2)", [logical, carol]);
  await driver.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
    JSON.stringify({ userId: carol, roles: ["admin"], database: logical }),
    JSON.stringify({ role: "user", permissions: ["read:own", "write:own", "delete:own"], database: logical }),
  ]);
  return {
    url: scratch.url,
    driver,
    async count(sql, params = []) {
      const [row] = await driver.query<{ n: string | number }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async drop() {
      await driver.close();
      await scratch.drop();
    },
  };
}

import { migrate, pgDriver, type SqlDriver } from "@sfn/datastore";
import { createScratchDatabase } from "@sfn/testkit";

export interface TestDatabase {
  url: string;
  driver: SqlDriver;
  count(sql: string, params?: unknown[]): Promise<number>;
  drop(): Promise<void>;
}

/** A fresh, migrated database of our own; role `user` may write its own documents in `app`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const scratch = await createScratchDatabase("sfn_runtime_test");
  const driver = pgDriver({ connectionString: scratch.url, maxConnections: 4 });
  await migrate(driver);
  await driver.query("SELECT sfn.bootstrap_admin('app', 'carol')");
  await driver.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
    JSON.stringify({ userId: "carol", roles: ["admin"], database: "app" }),
    JSON.stringify({ role: "user", permissions: ["read:own", "write:own", "delete:own"], database: "app" }),
  ]);
  return {
    url: scratch.url,
    driver,
    async count(sql, params = []) {
      const [row] = await driver.query<{ n: string }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async drop() {
      await driver.close();
      await scratch.drop();
    },
  };
}

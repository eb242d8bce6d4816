import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataStoreFactory, pgDriver } from "../src/index.js";
import { fixtureDatabaseUrl, withDatabase } from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

// The sfn-db command (`sfn db migrate`, `sfn audit verify` in the sfn CLI) as an operator runs it.
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsx = join(root, "node_modules/.bin/tsx");
const run = (...args: string[]) =>
  promisify(execFile)(tsx, [join(root, "src/cli.ts"), ...args], { cwd: root }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? "" }),
  );

describe("sfn-db (PostgreSQL)", () => {
  const dbName = `sfn_datastore_cli_${randomBytes(5).toString("hex")}`;
  let url: string;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: fixtureDatabaseUrl() });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${dbName}`);
    url = withDatabase(fixtureDatabaseUrl(), dbName);
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it("migrate applies every migration once, then none", async () => {
    const first = await run("migrate", "--url", url);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied \[1,2,3,/);
    const second = await run("migrate", "--url", url);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/^applied \[\], already applied \[1,2,3,/);
  });

  it("audit-verify exits 0 on an intact chain and 1, naming the row, after tampering", async () => {
    const driver = pgDriver({ connectionString: url, maxConnections: 1 });
    try {
      await seedGrants(driver);
      const alice = createDataStoreFactory({ driver, database: DATABASE }).createDataStore(users.alice);
      await alice.insertMany("ledger", [{ amount: 10 }, { amount: 20 }]);
      const intact = await run("audit-verify", "--url", url);
      expect(intact.code).toBe(0);
      expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true });

      const [row] = await driver.query<{ seq: string }>(
        "SELECT seq FROM sfn.audit_log WHERE collection = 'ledger' ORDER BY seq DESC LIMIT 1",
      );
      await driver.query("UPDATE sfn.audit_log SET decision = 'deny' WHERE seq = $1", [row!.seq]);
      const tampered = await run("audit-verify", "--url", url);
      expect(tampered.code).toBe(1);
      expect(JSON.parse(tampered.stdout)).toMatchObject({
        ok: false,
        firstBadSeq: Number(row!.seq),
        problem: "row content does not match its hash",
      });
    } finally {
      await driver.close();
    }
  });

  it("prints usage and exits 2 without a command", async () => {
    expect(await run("--url", url)).toMatchObject({ code: 2 });
  });
});

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createScratchDatabase, type ScratchDatabase } from "@sfn/testkit";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function sfn(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout + result.stderr };
}

describe("sfn db and sfn audit on the fixture's PostgreSQL", () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase("sfn_cli_test");
  });
  afterAll(() => db?.drop());

  it("migrates idempotently, bootstraps an admin and verifies the audit chain", () => {
    const first = sfn("db", "migrate", "--url", db.url);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/applied \[1,/);
    const second = sfn("db", "migrate", "--url", db.url);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/applied \[\]/);

    expect(sfn("db", "grant-admin", "--url", db.url, "--database", "shop", "--user", "carol").code).toBe(0);
    const verified = sfn("audit", "verify", "--url", db.url);
    expect(verified.code, verified.out).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
  });

  it("exits 1 when the audit chain was tampered with", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query("ALTER TABLE sfn.audit_log DISABLE TRIGGER USER");
      await client.query("UPDATE sfn.audit_log SET reason = 'forged' WHERE seq = 1");
    } finally {
      await client.end();
    }
    const verified = sfn("audit", "verify", "--url", db.url);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: false, firstBadSeq: 1 });
  });
});

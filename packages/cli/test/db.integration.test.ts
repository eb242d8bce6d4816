import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const database = `sfn_cli_test_${randomBytes(4).toString("hex")}`;
const adminUrl = process.env.SFN_DATABASE_URL!;
const url = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString();

function sfn(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout + result.stderr };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe("sfn db and sfn audit on the fixture's PostgreSQL", () => {
  beforeAll(() => admin(`CREATE DATABASE ${database}`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));

  it("migrates idempotently, bootstraps an admin and verifies the audit chain", () => {
    const first = sfn("db", "migrate", "--url", url);
    expect(first.code, first.out).toBe(0);
    expect(first.out).toMatch(/applied \[1,/);
    const second = sfn("db", "migrate", "--url", url);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/applied \[\]/);

    expect(sfn("db", "grant-admin", "--url", url, "--database", "shop", "--user", "carol").code).toBe(0);
    const verified = sfn("audit", "verify", "--url", url);
    expect(verified.code, verified.out).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
  });

  it("exits 1 when the audit chain was tampered with", async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("ALTER TABLE sfn.audit_log DISABLE TRIGGER USER");
      await client.query("UPDATE sfn.audit_log SET reason = 'forged' WHERE seq = 1");
    } finally {
      await client.end();
    }
    const verified = sfn("audit", "verify", "--url", url);
    expect(verified.code).toBe(1);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: false, firstBadSeq: 1 });
  });
});

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../src/index.js";

const url = process.env.SFN_DATABASE_URL!;
const external = process.env.SFN_FIXTURE === "external";
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

describe("PostgreSQL", () => {
  it("is PostgreSQL 15 serving the sfn database", async () => {
    const { rows } = await client.query<{ version: string; db: string }>(
      "SELECT version() AS version, current_database() AS db",
    );
    console.log(`PostgreSQL: ${rows[0]!.version}`);
    if (!external) {
      expect(rows[0]!.version).toMatch(/^PostgreSQL 15\.\d+/);
      expect(rows[0]!.db).toBe("sfn");
    }
  });

  it.skipIf(external)("runs the throwaway cluster with the test-speed settings", async () => {
    const settings = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY name",
      [["fsync", "synchronous_commit", "full_page_writes", "max_connections", "listen_addresses"]],
    );
    expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({
      fsync: "off",
      full_page_writes: "off",
      listen_addresses: "127.0.0.1",
      max_connections: "200",
      synchronous_commit: "off",
    });
  });

  it("creates, fills and queries a temp table that other sessions cannot see", async () => {
    await client.query("CREATE TEMP TABLE testkit_jobs (id serial PRIMARY KEY, doc jsonb NOT NULL)");
    const inserted = await client.query<{ id: number }>(
      "INSERT INTO testkit_jobs (doc) SELECT jsonb_build_object('n', g) FROM generate_series(1, 5) g RETURNING id",
    );
    expect(inserted.rowCount).toBe(5);
    const sum = await client.query<{ total: string }>(
      "SELECT sum((doc->>'n')::int) AS total FROM testkit_jobs",
    );
    expect(sum.rows[0]!.total).toBe("15");

    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await expect(other.query("SELECT * FROM testkit_jobs")).rejects.toMatchObject({ code: "42P01" });
    } finally {
      await other.end();
    }
  });

  it.skipIf(external)("createScratchDatabase: a database of one's own, gone after drop()", async () => {
    const [a, b] = await Promise.all([
      createScratchDatabase("testkit_scratch"),
      createScratchDatabase("testkit_scratch"),
    ]);
    expect(a.name).toMatch(/^testkit_scratch_[0-9a-f]{10}$/);
    expect(a.name).not.toBe(b.name);
    const inside = new pg.Client({ connectionString: a.url });
    // The server's 57P01 first, then pg's "Connection terminated unexpectedly".
    const terminated = new Promise<unknown>((resolve) => inside.on("error", resolve));
    await inside.connect();
    const { rows } = await inside.query<{ db: string }>("SELECT current_database() AS db");
    expect(rows[0]!.db).toBe(a.name);
    await a.drop(); // while `inside` is still connected: FORCE ends its session
    expect(await terminated).toMatchObject({ code: "57P01" });
    await b.drop();
    await inside.end().catch(() => {});
    const left = await client.query("SELECT 1 FROM pg_database WHERE datname = ANY($1)", [[a.name, b.name]]);
    expect(left.rowCount).toBe(0);
  });
});

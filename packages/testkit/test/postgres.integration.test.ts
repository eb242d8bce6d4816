import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

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
});

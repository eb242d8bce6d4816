import { randomBytes } from "node:crypto";
import { ConflictError } from "@sfn/contracts";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bundledMigrationList,
  createDataStoreFactory,
  migrate,
  pgDriver,
  SFN_CALL_SQL,
} from "../src/index.js";
import {
  type Backend,
  backendNames,
  fixtureDatabaseUrl,
  openBackend,
  withDatabase,
} from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

describe.each(backendNames)("indexes on %s", (backendName) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await openBackend(backendName);
    await seedGrants(backend.driver);
    const alice = createDataStoreFactory({ driver: backend.driver, database: DATABASE }).createDataStore(
      users.alice,
    );
    for (let batch = 0; batch < 4; batch++) {
      await alice.insertMany(
        "big",
        Array.from({ length: 1000 }, (_, i) => ({ k: `v${batch * 1000 + i}`, group: i % 10 })),
      );
    }
    await backend.driver.query("ANALYZE sfn.documents");
  });
  afterAll(async () => {
    await backend?.close();
  });

  it("answers an equality filter with the GIN index while row-level security applies", async () => {
    const plan = await backend.driver.transaction(async (tx) => {
      await tx.query(
        "SELECT set_config('role', 'sfn_app', true), set_config('sfn.user_id', 'alice', true), set_config('sfn.database', 'app', true), set_config('sfn.roles', '[\"user\"]', true)",
      );
      const [compiled] = await tx.query<{ where_sql: string; params: unknown }>(
        "SELECT where_sql, params FROM sfn._compile_query($1::jsonb)",
        [JSON.stringify({ filter: { k: "v1234" } })],
      );
      const rows = await tx.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT d.id FROM sfn.documents d WHERE d.database = 'app' AND d.collection = 'big' AND ${compiled!.where_sql.replaceAll("$1", "$1::jsonb")}`,
        [JSON.stringify(compiled!.params)],
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("documents_data");
  });

  it("keeps the GIN plan for the filter query that sfn.call EXECUTEs under its force_generic_plan (0013)", async () => {
    const [fn] = await backend.driver.query<{ config: string[] | null }>(
      "SELECT proconfig AS config FROM pg_proc WHERE oid = 'sfn.call(jsonb, text, jsonb)'::regprocedure",
    );
    expect(fn?.config).toContain("plan_cache_mode=force_generic_plan");
    const plan = await backend.driver.transaction(async (tx) => {
      // A PL/pgSQL EXECUTE … USING with ORDER BY and LIMIT, as sfn._query runs it, under the setting sfn.call
      // runs with. A generic plan of this statement walks an id index instead (the values are unknown).
      await tx.query(
        "CREATE FUNCTION pg_temp.explain_filter(p_where text, p_params jsonb) RETURNS SETOF text LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY EXECUTE format('EXPLAIN SELECT d.id FROM sfn.documents d WHERE d.database = $2 AND d.collection = $3 AND %s ORDER BY d.id LIMIT 10', p_where) USING p_params, 'app'::text, 'big'::text; END $$",
      );
      await tx.query(
        "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('sfn.user_id', 'alice', true), set_config('sfn.database', 'app', true), set_config('sfn.roles', '[\"user\"]', true)",
      );
      const [compiled] = await tx.query<{ where_sql: string; params: unknown }>(
        "SELECT where_sql, params FROM sfn._compile_query($1::jsonb)",
        [JSON.stringify({ filter: { k: "v1234" } })],
      );
      await tx.query("SELECT set_config('role', 'sfn_app', true)");
      const rows = await tx.query<{ line: string }>("SELECT pg_temp.explain_filter($1, $2::jsonb) AS line", [
        compiled!.where_sql,
        JSON.stringify(compiled!.params),
      ]);
      return rows.map((r) => r.line).join("\n");
    });
    expect(plan).toContain("documents_data");
  });

  // The fast path of 0017 runs static statements, planned once per session under force_generic_plan. The
  // index scans and function calls counted around the call show which indexes its plan used and which
  // path answered (the counters include earlier transactions not yet flushed, hence the difference; none
  // are flushed inside a transaction).
  const counters = `SELECT pg_stat_get_xact_numscans('sfn.documents_data'::regclass) AS gin,
      pg_stat_get_xact_numscans('sfn.documents_collection_id'::regclass) AS btree,
      coalesce(pg_stat_get_xact_function_calls('sfn._query_fast(jsonb, text, jsonb, text)'::regprocedure), 0) AS fast,
      coalesce(pg_stat_get_xact_function_calls('sfn._compile_query(jsonb)'::regprocedure), 0) AS compiled,
      coalesce(pg_stat_get_xact_function_calls('sfn._bind_identity(jsonb)'::regprocedure), 0) AS bound`;
  type Counters = Record<"gin" | "btree" | "fast" | "compiled" | "bound", string>;
  const fastQuery = async (tx: Pick<Backend["driver"], "query">) => {
    const [before] = await tx.query<Counters>(counters);
    const [row] = await tx.query<{ reply: { ok: { items: { k: string }[]; total: number } } }>(SFN_CALL_SQL, [
      JSON.stringify({ userId: "alice", roles: ["user"], database: DATABASE }),
      "query",
      JSON.stringify({ collection: "big", query: { filter: { k: "v1234" } }, page: 1, pageSize: 10 }),
    ]);
    const [after] = await tx.query<Counters>(counters);
    const used = (key: keyof Counters) => Number(after![key]) - Number(before![key]);
    return {
      items: row!.reply.ok.items.map((d) => d.k),
      total: row!.reply.ok.total,
      used: {
        gin: used("gin"),
        btree: used("btree"),
        fast: used("fast"),
        compiled: used("compiled"),
        // The general entry binds the identity through _bind_identity; sfn.call's own fast entry (0018) does not.
        bound: used("bound"),
      },
    };
  };

  it("answers an equality query on the fast path (0017) from sfn.call's entry (0018) with the GIN index, without compiling it", async () => {
    const result = await backend.driver.transaction(async (tx) => {
      await tx.query("SET LOCAL track_functions = 'all'");
      return fastQuery(tx);
    });
    expect(result.items).toEqual(["v1234"]);
    expect(result.total).toBe(1);
    expect(result.used).toMatchObject({ btree: 0, fast: 1, compiled: 0, bound: 0 });
    expect(result.used.gin).toBeGreaterThanOrEqual(1);
  });

  it("answers on the fast path without the GIN index where containment is not LEAKPROOF (0008 skipped)", async () => {
    // No plan can use the GIN index under the row policy then; the filter runs beside the collection
    // condition (here a sequential scan: the table holds that one collection).
    const rolledBack = new Error("rolled back on purpose");
    let result: Awaited<ReturnType<typeof fastQuery>> | undefined;
    await backend.driver
      .transaction(async (tx) => {
        await tx.query("SET LOCAL track_functions = 'all'");
        await tx.query("ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) NOT LEAKPROOF");
        result = await fastQuery(tx);
        throw rolledBack;
      })
      .catch((e: unknown) => {
        if (e !== rolledBack) throw e;
      });
    expect(result?.items).toEqual(["v1234"]);
    expect(result?.used).toMatchObject({ gin: 0, fast: 1, compiled: 0, bound: 0 });
    const [leakproof] = await backend.driver.query<{ leakproof: boolean }>(
      "SELECT proleakproof AS leakproof FROM pg_proc WHERE oid = 'jsonb_contains(jsonb, jsonb)'::regprocedure",
    );
    expect(leakproof?.leakproof).toBe(true);
  });
});

describe("migrations (PostgreSQL)", () => {
  const dbName = `sfn_datastore_test_${randomBytes(5).toString("hex")}`;
  let url: string;
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: fixtureDatabaseUrl() });
    await c.connect();
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    url = withDatabase(fixtureDatabaseUrl(), dbName);
  });
  afterAll(async () => {
    const c = new pg.Client({ connectionString: fixtureDatabaseUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  });

  it("are applied exactly once when several pods start at the same time", async () => {
    const drivers = Array.from({ length: 4 }, () => pgDriver({ connectionString: url, maxConnections: 1 }));
    try {
      const results = await Promise.all(drivers.map((d) => migrate(d)));
      const total = bundledMigrationList().length;
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, total]);
      expect(results.every((r) => r.applied.length + r.alreadyApplied.length === total)).toBe(true);
      expect(await migrate(drivers[0]!)).toMatchObject({ applied: [] });
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
  });

  it("refuse to run when an applied migration changed", async () => {
    const driver = pgDriver({ connectionString: url, maxConnections: 1 });
    try {
      const tampered = bundledMigrationList().map((m, i) =>
        i === 0 ? { ...m, checksum: "0".repeat(64) } : m,
      );
      const error = await migrate(driver, { migrations: tampered }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ code: "SFN_MIGRATION_CHECKSUM" });
      const older = bundledMigrationList().slice(0, 2);
      await expect(migrate(driver, { migrations: older })).rejects.toMatchObject({
        code: "SFN_MIGRATION_UNKNOWN",
      });
    } finally {
      await driver.close();
    }
  });
});

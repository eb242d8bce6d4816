// pnpm bench: DataStore throughput against (a) raw pg issuing the same SQL (the library's own overhead)
// and (b) a bare jsonb table without permission checks, RLS or audit (the price of security), plus
// insertMany against a raw multi-row insert. One run, same database, sequential, one connection at a time.
import { randomBytes } from "node:crypto";
import { ensureFixture } from "@sfn/testkit";
import pg from "pg";
import { createDataStoreFactory, migrate, pgDriver, SFN_CALL_SQL } from "../src/index.js";

const N = Number(process.env.BENCH_N ?? 2000);
const BATCH = 500;
const BATCHES = 10;

async function timed(label: string, ops: number, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  const seconds = (performance.now() - start) / 1000;
  const rate = ops / seconds;
  console.log(`${label.padEnd(58)} ${rate.toFixed(0).padStart(8)} ops/s`);
  return rate;
}

const ratio = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;

async function main(): Promise<void> {
  const env = await ensureFixture();
  const dbName = `sfn_datastore_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: env.SFN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(env.SFN_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  const driver = pgDriver({ pool });
  try {
    await migrate(driver);
    await pool.query("SELECT sfn.bootstrap_admin('bench', 'admin')");
    await pool.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
      JSON.stringify({ userId: "admin", roles: [], database: "bench" }),
      JSON.stringify({ role: "user", permissions: ["read:own", "write:own"], database: "bench" }),
    ]);
    await pool.query("CREATE TABLE bare (id uuid PRIMARY KEY, data jsonb NOT NULL)");
    await pool.query("CREATE INDEX ON bare USING gin (data jsonb_path_ops)");
    const user = { userId: "alice", roles: ["user"], groups: [] };
    const store = createDataStoreFactory({ driver, database: "bench" }).createDataStore(user);
    const ctx = JSON.stringify({
      userId: "alice",
      roles: ["user"],
      database: "bench",
      maxDocumentBytes: 1048576,
    });
    const doc = (i: number) => ({ k: `v${i}`, n: i, tags: ["a", "b"], nested: { x: i % 7 } });

    // warm-up (plans, caches)
    for (let i = 0; i < 200; i++) {
      await store.insert("warm", doc(i));
      await pool.query(SFN_CALL_SQL, [
        ctx,
        "insert",
        JSON.stringify({ collection: "warm", documents: [doc(i)] }),
      ]);
      await pool.query("INSERT INTO bare VALUES (gen_random_uuid(), $1)", [JSON.stringify(doc(-i - 1))]);
    }

    console.log(`\n@sfn/datastore benchmark — PostgreSQL 15 (fixture), 1 connection, sequential, N=${N}\n`);
    const ins = await timed("insert: DataStore.insert", N, async () => {
      for (let i = 0; i < N; i++) await store.insert("items", doc(i));
    });
    const insRaw = await timed("insert: raw pg, same SQL (sfn.call)", N, async () => {
      for (let i = 0; i < N; i++)
        await pool.query(SFN_CALL_SQL, [
          ctx,
          "insert",
          JSON.stringify({ collection: "items_raw", documents: [doc(i)] }),
        ]);
    });
    const insBare = await timed("insert: bare jsonb table (no checks/RLS/audit)", N, async () => {
      for (let i = 0; i < N; i++)
        await pool.query("INSERT INTO bare VALUES (gen_random_uuid(), $1)", [JSON.stringify(doc(i))]);
    });
    await pool.query("ANALYZE");

    const q = await timed("indexed query: DataStore.query {k: vX}", N, async () => {
      for (let i = 0; i < N; i++) await store.query("items", { filter: { k: `v${i}` } }, 1, 10);
    });
    const qRaw = await timed("indexed query: raw pg, same SQL (sfn.call)", N, async () => {
      for (let i = 0; i < N; i++)
        await pool.query(SFN_CALL_SQL, [
          ctx,
          "query",
          JSON.stringify({ collection: "items", query: { filter: { k: `v${i}` } }, page: 1, pageSize: 10 }),
        ]);
    });
    const qBare = await timed("indexed query: bare table, data @> $1 LIMIT 10", N, async () => {
      for (let i = 0; i < N; i++)
        await pool.query("SELECT data FROM bare WHERE data @> $1 LIMIT 10", [JSON.stringify({ k: `v${i}` })]);
    });

    const batch = Array.from({ length: BATCH }, (_, i) => doc(i));
    const many = await timed(
      `insertMany: DataStore, ${BATCHES} x ${BATCH} docs (docs/s)`,
      BATCH * BATCHES,
      async () => {
        for (let b = 0; b < BATCHES; b++) await store.insertMany("batch", batch);
      },
    );
    const manyBare = await timed(
      `insertMany: raw multi-row INSERT into bare table (docs/s)`,
      BATCH * BATCHES,
      async () => {
        for (let b = 0; b < BATCHES; b++)
          await pool.query(
            "INSERT INTO bare SELECT gen_random_uuid(), e FROM jsonb_array_elements($1::jsonb) e",
            [JSON.stringify(batch)],
          );
      },
    );

    console.log("\nratios (goal: library ≥ 90 % of raw; security ≥ 50 % of bare)");
    console.log(
      `  insert        DataStore / raw same SQL   ${ratio(ins, insRaw)}   DataStore / bare ${ratio(ins, insBare)}`,
    );
    console.log(
      `  indexed query DataStore / raw same SQL   ${ratio(q, qRaw)}   DataStore / bare ${ratio(q, qBare)}`,
    );
    console.log(`  insertMany    DataStore / raw multi-row  ${ratio(many, manyBare)}`);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

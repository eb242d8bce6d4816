// pnpm bench: DataStore throughput against (a) raw pg issuing the same SQL (the library's own overhead)
// and (b) a bare jsonb table without permission checks, RLS or audit (the price of security), plus
// insertMany against the same SQL and against a raw multi-row insert. One run, one database, one
// connection, sequential; rounds interleave the cases so that noise from the shared machine hits all alike.
// BENCH_MIGRATIONS_UP_TO=n measures the SQL as of migration n (to compare with an older state).
import { randomBytes } from "node:crypto";
import { ensureFixture } from "@sfn/testkit";
import pg from "pg";
import {
  bundledMigrationList,
  createDataStoreFactory,
  migrate,
  pgDriver,
  SFN_CALL_SQL,
} from "../src/index.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const OPS = Number(process.env.BENCH_OPS ?? 300);
const BATCH = 500;
const BATCHES = 2;

type Case = [name: string, opsPerRound: number, run: (round: number) => Promise<void>];

/** Median ops/s of each case over interleaved rounds. */
async function measure(cases: Case[]): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, ops, run] of cases) {
      const start = performance.now();
      await run(round);
      samples.get(name)!.push(ops / ((performance.now() - start) / 1000));
    }
  }
  const medians = new Map<string, number>();
  for (const [name, values] of samples) {
    const median = [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    medians.set(name, median);
    console.log(`| ${name} | ${Math.round(median).toLocaleString("en")} |`);
  }
  return medians;
}

const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;

async function main(): Promise<void> {
  const env = await ensureFixture();
  const dbName = `sfn_datastore_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: env.SFN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(env.SFN_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  pool.on("error", () => {}); // the database is dropped at the end
  const driver = pgDriver({ pool });
  try {
    const upTo = Number(process.env.BENCH_MIGRATIONS_UP_TO ?? Number.POSITIVE_INFINITY);
    await migrate(driver, { migrations: bundledMigrationList().filter((m) => m.version <= upTo) });
    await pool.query("SELECT sfn.bootstrap_admin('bench', 'admin')");
    await pool.query("SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb)", [
      JSON.stringify({ userId: "admin", roles: [], database: "bench" }),
      JSON.stringify({ role: "user", permissions: ["read:own", "write:own"], database: "bench" }),
    ]);
    await pool.query("CREATE TABLE bare (id uuid PRIMARY KEY, data jsonb NOT NULL)");
    await pool.query("CREATE INDEX ON bare USING gin (data jsonb_path_ops)");
    const user = { userId: "alice", roles: ["user"], groups: [] };
    const store = createDataStoreFactory({ driver, database: "bench" }).createDataStore(user);
    // Exactly the caller context the DataStore sends for an operation it runs alone.
    const ctx = JSON.stringify({
      userId: "alice",
      roles: ["user"],
      database: "bench",
      maxDocumentBytes: 1048576,
      standalone: true,
    });
    const doc = (i: number) => ({ k: `v${i}`, n: i, tags: ["a", "b"], nested: { x: i % 7 } });
    const rawCall = (op: string, args: unknown) => pool.query(SFN_CALL_SQL, [ctx, op, JSON.stringify(args)]);
    const bareInsert = (d: unknown) =>
      pool.query("INSERT INTO bare VALUES (gen_random_uuid(), $1)", [JSON.stringify(d)]);

    for (let i = 0; i < 300; i++) {
      // warm-up: plans, caches, JIT
      await store.insert("warm", doc(i));
      await rawCall("insert", { collection: "warm", documents: [doc(i)] });
      await bareInsert(doc(-i - 1));
      await store.query("warm", { filter: { k: `v${i}` } }, 1, 10);
    }

    console.log(
      `\n@sfn/datastore — PostgreSQL 15 (fixture), 1 connection, sequential, median of ${ROUNDS} interleaved rounds${
        Number.isFinite(upTo) ? `, SQL as of migration ${upTo}` : ""
      }\n`,
    );
    console.log("| case | ops/s |\n|---|---:|");
    const seq = (round: number, i: number) => round * OPS + i;
    const ins = await measure([
      [
        "insert: DataStore.insert",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++) await store.insert("items", doc(seq(r, i)));
        },
      ],
      [
        "insert: raw pg, same SQL (sfn.call)",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++)
            await rawCall("insert", { collection: "items", documents: [doc(seq(r, i))] });
        },
      ],
      [
        "insert: bare jsonb table (no checks, RLS, audit)",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++) await bareInsert(doc(seq(r, i)));
        },
      ],
    ]);
    // VACUUM also moves the GIN indexes' pending lists into the index, for both tables alike; without it
    // each lookup scans whatever autovacuum has not flushed yet, and the figures depend on its timing.
    await pool.query("VACUUM ANALYZE");
    // Each k value is in 2 documents of `items` (DataStore and raw rounds) and in 1–2 rows of `bare`.
    const q = await measure([
      [
        "indexed query: DataStore.query {k: vX}",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++) await store.query("items", { filter: { k: `v${seq(r, i)}` } }, 1, 10);
        },
      ],
      [
        "indexed query: raw pg, same SQL (sfn.call)",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++)
            await rawCall("query", {
              collection: "items",
              query: { filter: { k: `v${seq(r, i)}` } },
              page: 1,
              pageSize: 10,
            });
        },
      ],
      [
        "indexed query: bare table, data @> $1 LIMIT 10",
        OPS,
        async (r) => {
          for (let i = 0; i < OPS; i++)
            await pool.query("SELECT data FROM bare WHERE data @> $1 LIMIT 10", [
              JSON.stringify({ k: `v${seq(r, i)}` }),
            ]);
        },
      ],
    ]);
    const batch = Array.from({ length: BATCH }, (_, i) => doc(i));
    const many = await measure([
      [
        `insertMany: DataStore, ${BATCH} docs per call (docs/s)`,
        BATCH * BATCHES,
        async () => {
          for (let b = 0; b < BATCHES; b++) await store.insertMany("batch", batch);
        },
      ],
      [
        "insertMany: raw pg, same SQL (docs/s)",
        BATCH * BATCHES,
        async () => {
          for (let b = 0; b < BATCHES; b++)
            await rawCall("insert", { collection: "batch", documents: batch });
        },
      ],
      [
        "insertMany: raw multi-row INSERT into the bare table (docs/s)",
        BATCH * BATCHES,
        async () => {
          for (let b = 0; b < BATCHES; b++)
            await pool.query(
              "INSERT INTO bare SELECT gen_random_uuid(), e FROM jsonb_array_elements($1::jsonb) e",
              [JSON.stringify(batch)],
            );
        },
      ],
    ]);

    const [i1, i2, i3] = [...ins.values()] as [number, number, number];
    const [q1, q2, q3] = [...q.values()] as [number, number, number];
    const [m1, m2, m3] = [...many.values()] as [number, number, number];
    console.log("\n| | DataStore / raw same SQL (goal ≥ 90 %) | DataStore / bare table (goal ≥ 50 %) |");
    console.log("|---|---:|---:|");
    console.log(`| insert | ${pct(i1, i2)} | ${pct(i1, i3)} |`);
    console.log(`| indexed query | ${pct(q1, q2)} | ${pct(q1, q3)} |`);
    console.log(`| insertMany | ${pct(m1, m2)} | ${pct(m1, m3)} |`);
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

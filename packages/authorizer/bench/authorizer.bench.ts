// pnpm bench: hasPermission decided by the database (new Authorizer per call, as in a fresh call) vs the
// per-call cache, and a raw SELECT of the same SQL as baseline. One run, one connection, sequential;
// rounds interleave the cases so that noise from the shared machine hits all alike (median reported).
import { randomBytes } from "node:crypto";
import { migrate, pgDriver, SFN_CALL_SQL } from "@sfn/datastore";
import { ensureFixture } from "@sfn/testkit";
import pg from "pg";
import { createAuthorizerFactory } from "../src/index.js";

const N = Number(process.env.BENCH_N ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

async function measure(cases: [string, () => Promise<void>][]): Promise<number[]> {
  const samples = cases.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, fn]] of cases.entries()) {
      const start = performance.now();
      await fn();
      samples[i]!.push(N / ((performance.now() - start) / 1000));
    }
  }
  return cases.map(([label], i) => {
    const median = [...samples[i]!].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
    console.log(`| ${label} | ${Math.round(median).toLocaleString("en")} |`);
    return median;
  });
}

async function main(): Promise<void> {
  const env = await ensureFixture();
  const dbName = `sfn_authorizer_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: env.SFN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(env.SFN_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  pool.on("error", () => {}); // the database is dropped at the end
  try {
    const driver = pgDriver({ pool });
    await migrate(driver);
    await pool.query("SELECT sfn.bootstrap_admin('bench', 'carol')");
    const carol = { userId: "carol", roles: ["admin"], groups: [] };
    const factory = createAuthorizerFactory({ driver });
    await factory.createAuthorizer(carol).assignPermissionsToUser("bob", ["read"], "bench");
    // Exactly the caller context an Authorizer outside a transaction sends.
    const ctx = JSON.stringify({ userId: "carol", roles: ["admin"], standalone: true });
    const args = JSON.stringify({ user: "bob", permission: "read", database: "bench" });
    console.log(
      `\n@sfn/authorizer — PostgreSQL 15 (fixture), 1 connection, ${N} calls per round, median of ${ROUNDS} interleaved rounds\n`,
    );
    console.log("| case | ops/s |\n|---|---:|");
    for (let i = 0; i < 200; i++) await factory.createAuthorizer(carol).hasPermission("bob", "read", "bench");
    const [raw, cold, warm] = (await measure([
      [
        "hasPermission: raw pg, same SQL",
        async () => {
          for (let i = 0; i < N; i++) await pool.query(SFN_CALL_SQL, [ctx, "hasPermission", args]);
        },
      ],
      [
        "hasPermission: new Authorizer each time (uncached, audited)",
        async () => {
          for (let i = 0; i < N; i++)
            await factory.createAuthorizer(carol).hasPermission("bob", "read", "bench");
        },
      ],
      [
        "hasPermission: one Authorizer (cached per call)",
        async () => {
          const a = factory.createAuthorizer(carol);
          for (let i = 0; i < N; i++) await a.hasPermission("bob", "read", "bench");
        },
      ],
    ])) as [number, number, number];
    console.log(
      `\nratios: uncached / raw ${((cold / raw) * 100).toFixed(0)} %, cached / uncached ${(warm / cold).toFixed(0)}x`,
    );
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

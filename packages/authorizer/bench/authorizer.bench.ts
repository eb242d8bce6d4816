// pnpm bench: hasPermission decided by the database (new Authorizer per call, as in a fresh call) vs the
// per-call cache, and a raw SELECT of the same SQL as baseline. One run, one connection, sequential.
import { randomBytes } from "node:crypto";
import { migrate, pgDriver, SFN_CALL_SQL } from "@sfn/datastore";
import { ensureFixture } from "@sfn/testkit";
import pg from "pg";
import { createAuthorizerFactory } from "../src/index.js";

const N = Number(process.env.BENCH_N ?? 2000);

async function timed(label: string, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  const rate = N / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(52)} ${rate.toFixed(0).padStart(9)} ops/s`);
  return rate;
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
  try {
    const driver = pgDriver({ pool });
    await migrate(driver);
    await pool.query("SELECT sfn.bootstrap_admin('bench', 'carol')");
    const carol = { userId: "carol", roles: ["admin"], groups: [] };
    const factory = createAuthorizerFactory({ driver });
    await factory.createAuthorizer(carol).assignPermissionsToUser("bob", ["read"], "bench");
    const ctx = JSON.stringify({ userId: "carol", roles: ["admin"] });
    const args = JSON.stringify({ user: "bob", permission: "read", database: "bench" });
    console.log(`\n@sfn/authorizer benchmark — PostgreSQL 15 (fixture), 1 connection, N=${N}\n`);
    const raw = await timed("hasPermission: raw pg, same SQL", async () => {
      for (let i = 0; i < N; i++) await pool.query(SFN_CALL_SQL, [ctx, "hasPermission", args]);
    });
    const cold = await timed("hasPermission: new Authorizer each time (uncached)", async () => {
      for (let i = 0; i < N; i++) await factory.createAuthorizer(carol).hasPermission("bob", "read", "bench");
    });
    const warm = await timed("hasPermission: one Authorizer (cached per call)", async () => {
      const a = factory.createAuthorizer(carol);
      for (let i = 0; i < N; i++) await a.hasPermission("bob", "read", "bench");
    });
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

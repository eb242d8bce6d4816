#!/usr/bin/env node
// sfn-db: migrate | audit-verify | audit-head | grant-admin. The database comes from --url, SFN_DATABASE_URL
// or DATABASE_URL; it must be the migration owner (a superuser or the owner of schema sfn).
import { parseArgs } from "node:util";
import { auditHead, verifyAuditChain } from "./audit/audit-chain.js";
import { pgDriver } from "./driver/pg-driver.js";
import { migrate } from "./migrations/migrate.js";

const usage = `usage: sfn-db <command> [--url postgres://…]
  migrate                                   apply pending migrations (idempotent, advisory-locked)
  audit-verify                              check the audit hash chain; exit 1 when broken
  audit-head                                print the chain head (seq and hash) to anchor elsewhere
  grant-admin --database NAME --user ID     make a user admin of a logical database (bootstrap)`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: "string" }, database: { type: "string" }, user: { type: "string" } },
  });
  const command = positionals[0];
  const url = values.url ?? process.env.SFN_DATABASE_URL ?? process.env.DATABASE_URL;
  if (command === undefined || url === undefined) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const driver = pgDriver({ connectionString: url, maxConnections: 1 });
  try {
    switch (command) {
      case "migrate": {
        const result = await migrate(driver);
        process.stdout.write(
          `applied ${JSON.stringify(result.applied)}, already applied ${JSON.stringify(result.alreadyApplied)}\n`,
        );
        return 0;
      }
      case "audit-verify": {
        const v = await verifyAuditChain(driver);
        process.stdout.write(`${JSON.stringify(v)}\n`);
        return v.ok ? 0 : 1;
      }
      case "audit-head":
        process.stdout.write(`${JSON.stringify(await auditHead(driver))}\n`);
        return 0;
      case "grant-admin": {
        if (values.database === undefined || values.user === undefined) {
          process.stderr.write(`${usage}\n`);
          return 2;
        }
        const [row] = await driver.query<{ granted: boolean }>(
          "SELECT sfn.bootstrap_admin($1, $2) AS granted",
          [values.database, values.user],
        );
        process.stdout.write(`${row?.granted ? "granted" : "already admin"}\n`);
        return 0;
      }
      default:
        process.stderr.write(`${usage}\n`);
        return 2;
    }
  } finally {
    await driver.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sfn-db: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

import { ConflictError } from "@sfn/contracts";
import type { SqlDriver, SqlExecutor } from "../driver/sql-driver.js";
import { DataStoreErrorCodes } from "../errors/codes.js";
import { migrations as bundledMigrations } from "../generated/migrations.generated.js";
import type { Migration } from "./migration.js";

export interface MigrateOptions {
  /** The migrations to apply; default: the bundled sql/*.sql of this package. */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  /** Versions applied by this run, in order. */
  applied: number[];
  /** Versions that were already there (checksums verified). */
  alreadyApplied: number[];
}

/**
 * Applies the pending migrations in one transaction under an advisory lock, so pods starting together
 * apply them once; verifies the checksum of every migration applied before. Idempotent.
 * The protocol (docs/datastore.md) is the same in every language.
 */
export async function migrate(driver: SqlDriver, options: MigrateOptions = {}): Promise<MigrateResult> {
  const wanted = [...(options.migrations ?? bundledMigrations)].sort((a, b) => a.version - b.version);
  return driver.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('sfn.migrate', 0))");
    await tx.exec(
      "CREATE SCHEMA IF NOT EXISTS sfn; CREATE TABLE IF NOT EXISTS sfn.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())",
    );
    const rows = await tx.query<{ version: number; checksum: string }>(
      "SELECT version, checksum FROM sfn.schema_migrations ORDER BY version",
    );
    const applied = new Map(rows.map((r) => [Number(r.version), r.checksum]));
    assertKnown(applied, wanted);
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (const migration of wanted) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) throw checksumMismatch(migration, checksum);
        result.alreadyApplied.push(migration.version);
        continue;
      }
      await applyOne(tx, migration);
      result.applied.push(migration.version);
    }
    return result;
  });
}

async function applyOne(tx: SqlExecutor, migration: Migration): Promise<void> {
  await tx.exec(migration.sql);
  await tx.query("INSERT INTO sfn.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
    migration.version,
    migration.name,
    migration.checksum,
  ]);
}

function assertKnown(applied: ReadonlyMap<number, string>, wanted: readonly Migration[]): void {
  const known = new Set(wanted.map((m) => m.version));
  const unknown = [...applied.keys()].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new ConflictError(
      `the database has migrations ${unknown.join(", ")} that this version of @sfn/datastore does not know`,
      { code: DataStoreErrorCodes.migrationUnknown, details: { versions: unknown } },
    );
  }
}

function checksumMismatch(migration: Migration, found: string): ConflictError {
  return new ConflictError(
    `migration ${migration.version}_${migration.name} was changed after it was applied (checksum mismatch)`,
    {
      code: DataStoreErrorCodes.migrationChecksum,
      details: { version: migration.version, expected: migration.checksum, found },
    },
  );
}

/** The bundled migrations (for tools that apply them elsewhere, or list them). */
export function bundledMigrationList(): readonly Migration[] {
  return bundledMigrations;
}

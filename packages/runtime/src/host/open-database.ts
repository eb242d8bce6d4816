import { isAbsolute, resolve } from "node:path";
import { ValidationError } from "@sfn/contracts";
import {
  createDataStoreFactory,
  migrate,
  type PostgresDataStoreFactory,
  pgliteDriver,
  type SqlDriver,
} from "@sfn/datastore";

export interface OpenDatabaseOptions {
  /** SFN_DATABASE_URL: `postgres://…`, or `pglite:<directory>` / `pglite:memory` for the embedded database. */
  url: string;
  /** The logical database of the functions (SFN_DATABASE). */
  database: string;
  /** Runs once the embedded database is migrated, e.g. to seed the grants of `sfn.config.json`'s `dev`. */
  prepareEmbedded?: (driver: SqlDriver) => Promise<void>;
}

/**
 * The functions' database. A PostgreSQL URL opens a pool (migrations are an operator's step: `sfn db
 * migrate`). A `pglite:` URL opens PGlite inside this process — the embedded default of `sfn dev`, no
 * system packages — and applies the shared migrations itself, since nobody else can reach it.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<PostgresDataStoreFactory> {
  if (!options.url.startsWith("pglite:")) {
    return createDataStoreFactory({ connectionString: options.url, database: options.database });
  }
  const dataDir = pgliteDirectory(options.url);
  let PGlite: typeof import("@electric-sql/pglite").PGlite;
  try {
    ({ PGlite } = await import("@electric-sql/pglite"));
  } catch {
    throw new ValidationError(
      "SFN_DATABASE_URL=pglite:… needs the optional dependency @electric-sql/pglite (npm install @electric-sql/pglite)",
      { details: { setting: "SFN_DATABASE_URL" } },
    );
  }
  const db = await PGlite.create(dataDir === undefined ? {} : { dataDir });
  const inner = pgliteDriver(db);
  // PGlite's own close flushes the data directory; the generic driver's close does not know it.
  const driver: SqlDriver = { ...inner, close: () => db.close() };
  await migrate(driver);
  await options.prepareEmbedded?.(driver);
  return createDataStoreFactory({ driver, database: options.database });
}

/** `pglite:memory` → in memory; `pglite:///abs/dir` or `pglite:rel/dir` → that directory. */
export function pgliteDirectory(url: string): string | undefined {
  const rest = url.slice("pglite:".length);
  if (rest === "memory" || rest === "" || rest === "//memory") return undefined;
  const path = rest.startsWith("//") ? decodeURIComponent(new URL(url).pathname) : rest;
  return isAbsolute(path) ? path : resolve(path);
}

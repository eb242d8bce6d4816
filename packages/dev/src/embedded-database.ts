import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { migrate, pgliteDriver, type SqlDriver } from "@sfn/datastore";
import { freePort } from "@sfn/testkit";

export interface EmbeddedDatabase {
  /** `postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
  readonly url: string;
  close(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** PGlite's data directory (kept between `sfn dev` runs). */
  dataDir: string;
  /** Runs after the migrations, e.g. the grants of `sfn.config.json`'s `dev`. */
  seed?: (driver: SqlDriver) => Promise<void>;
}

/**
 * PGlite served on a loopback port, for a function process that is not Node (a Python service): the
 * Node runtime opens PGlite in its own process instead. The shared migrations and the seed run here,
 * since the Python runtime leaves migrations to the operator (`sfn db migrate`).
 *
 * pglite-socket puts every connection on PGlite's one session: a transaction open on one connection
 * holds the others' statements until it ends, and the startup user is ignored (every connection is
 * the superuser). `sfn dev` therefore runs the function with one call at a time and one pool
 * connection, and the row-level security holds because `sfn.call` switches to the `sfn_app` role
 * itself (docs/python-runtime.md).
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const db = await PGlite.create({ dataDir: options.dataDir });
  try {
    const driver = pgliteDriver(db);
    await migrate(driver);
    await options.seed?.(driver);
    const port = await freePort();
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 8 });
    await server.start();
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
      async close() {
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

import type { PGliteDatabaseLike } from "./pglite-driver.js";

export interface PgliteSocketOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port (read it from `url`). */
  port?: number;
  /** Connections accepted at once; default 16. They share the one PGlite session (docs/datastore.md). */
  maxConnections?: number;
}

export interface PgliteSocket {
  /** A PostgreSQL URL for any driver (`pg`, psycopg, pgx, JDBC, Npgsql); user and database are ignored. */
  readonly url: string;
  /** Stops listening and closes the connections; the PGlite instance stays open. */
  close(): Promise<void>;
}

/**
 * Serves an in-process PGlite database over the PostgreSQL wire protocol (`@electric-sql/pglite-socket`,
 * an optional peer dependency), so that functions in other languages reach the embedded database of
 * `sfn dev` with their own drivers and call the same `sfn.call`. `db` must be a PGlite instance.
 */
export async function servePglite(
  db: PGliteDatabaseLike,
  options: PgliteSocketOptions = {},
): Promise<PgliteSocket> {
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const server = new PGLiteSocketServer({
    db: db as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]["db"],
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 16,
  });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    close: () => server.stop(),
  };
}

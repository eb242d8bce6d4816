/** Runs SQL on one session: a pool (each statement on any connection) or one connection in a transaction. */
export interface SqlExecutor {
  /** One statement with `$n` parameters; rows as objects (jsonb columns arrive parsed). */
  query<Row = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<Row[]>;
  /** Several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface QueryOptions {
  /** Cancels the statement on the server where the driver can (pg), otherwise before it starts. */
  signal?: AbortSignal;
}

/** A database the sfn SQL runs on: PostgreSQL through `pg`, or PGlite in process. */
export interface SqlDriver extends SqlExecutor {
  readonly kind: "pg" | "pglite";
  /** Runs `fn` in a transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Releases what the driver created (a pool it opened); borrowed pools and PGlite instances stay open. */
  close(): Promise<void>;
}

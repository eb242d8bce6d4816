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
  /**
   * A transaction whose BEGIN travels with `first` and whose COMMIT with the `last` statement `fn`
   * returns: two round trips fewer than `transaction` for a short one, such as the runtime's
   * exactly-once calls (pg sends "BEGIN; first" and "last; COMMIT" as one simple-protocol query each,
   * the parameters written in as literals quoted by pg's escapeLiteral; PGlite runs them one by one).
   * An error raised by `last` aborts the transaction: the COMMIT behind it never runs. Statement texts
   * must not contain `$n` other than their parameters.
   */
  compactTransaction<T, Row = Record<string, unknown>>(
    first: SqlStatement,
    fn: (tx: SqlExecutor, firstRows: Row[]) => Promise<{ value: T; last?: SqlStatement }>,
  ): Promise<T>;
  /** Releases what the driver created (a pool it opened); borrowed pools and PGlite instances stay open. */
  close(): Promise<void>;
}

/** One statement and its parameters, for `compactTransaction`. */
export interface SqlStatement {
  text: string;
  params: readonly (string | number | boolean | null)[];
}

import type { SqlExecutor } from "@sfn/datastore";

/** Thrown out of the transaction callback to roll back; never leaves this module. */
const ROLLBACK = Symbol("rollback");

export interface LazyTransaction {
  /** Begins the transaction on its first statement. */
  readonly executor: SqlExecutor;
  /** Whether a statement has begun the transaction. */
  readonly begun: boolean;
  /** Commits (when begun); rejects with the driver's error if the commit fails. */
  commit(): Promise<void>;
  /** Rolls back (when begun); never rejects. */
  rollback(): Promise<void>;
}

/**
 * A transaction opened only when the function first uses its DataStore (dedup off): a function that
 * never touches the database costs no connection and no BEGIN/COMMIT round trips. `begin` is the
 * driver's `transaction` (through the circuit breaker); its callback stays open until commit/rollback.
 */
export function lazyTransaction(
  begin: (fn: (tx: SqlExecutor) => Promise<void>) => Promise<void>,
): LazyTransaction {
  let opened: Promise<SqlExecutor> | undefined;
  let settled: Promise<void> | undefined;
  let finish: (commit: boolean) => void = () => {};
  const open = () =>
    new Promise<SqlExecutor>((resolve, reject) => {
      const decision = new Promise<boolean>((r) => {
        finish = r;
      });
      settled = begin(async (tx) => {
        resolve(tx);
        if (!(await decision)) throw ROLLBACK;
      }).catch((error: unknown) => {
        reject(error);
        if (error !== ROLLBACK) throw error;
      });
      // The failure also reaches the function through `reject`; keep it from being unhandled here.
      settled.catch(() => {});
    });
  const tx = () => {
    opened ??= open();
    return opened;
  };
  return {
    executor: {
      query: (text, params, options) => tx().then((t) => t.query(text, params, options)),
      exec: (script) => tx().then((t) => t.exec(script)),
    },
    get begun() {
      return opened !== undefined;
    },
    async commit() {
      if (!opened) return;
      finish(true);
      await settled;
    },
    async rollback() {
      if (!opened) return;
      finish(false);
      await settled?.catch(() => {});
    },
  };
}

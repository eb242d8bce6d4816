import { throwIfAborted } from "@sfn/contracts";
import { AuditAfterRollback } from "../audit/audit-after-rollback.js";
import { errorFromDriver, runCallback, transactionError } from "../errors/map-error.js";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";

/** The part of a PGlite instance (or its transaction) the driver uses; `@electric-sql/pglite` 0.5.x. */
export interface PGliteLike {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(text: string): Promise<unknown>;
}

export interface PGliteDatabaseLike extends PGliteLike {
  transaction<T>(fn: (tx: PGliteLike) => Promise<T>): Promise<T>;
}

/**
 * A driver on an in-process PGlite database (`await PGlite.create()`), the embedded default of
 * `sfn dev`. PGlite has one session and runs statements one at a time; a statement cannot be cancelled
 * once started, so an AbortSignal is honoured before each statement only.
 */
export function pgliteDriver(db: PGliteDatabaseLike): SqlDriver {
  const driver: SqlDriver = {
    kind: "pglite",
    ...pgliteExecutor(db),
    async transaction(fn) {
      const audit = new AuditAfterRollback();
      try {
        return await db.transaction((tx) => runCallback(() => fn(pgliteExecutor(tx, audit))));
      } catch (error) {
        // Denials and decisions of the lost transaction are audited again (sql/0012).
        await audit.replay(pgliteExecutor(db));
        throw transactionError(error);
      }
    },
    compactTransaction(first, fn) {
      // One session in process: nothing to save by combining statements, so the plain way.
      return driver.transaction(async (tx) => {
        const { value, last } = await fn(tx, await tx.query(first.text, first.params));
        if (last) await tx.query(last.text, last.params);
        return value;
      });
    },
    async close() {},
  };
  return driver;
}

/** An executor on a PGlite transaction, to let a DataStore join it. */
export function pgliteExecutor(db: PGliteLike, /** @internal */ audit?: AuditAfterRollback): SqlExecutor {
  return {
    async query<Row>(text: string, params?: readonly unknown[], options?: { signal?: AbortSignal }) {
      throwIfAborted(options?.signal);
      try {
        const result = await db.query<Row>(text, params as unknown[] | undefined);
        audit?.observe(text, params, result.rows);
        return result.rows;
      } catch (error) {
        throw errorFromDriver(error);
      }
    },
    async exec(script: string) {
      try {
        await db.exec(script);
      } catch (error) {
        throw errorFromDriver(error);
      }
    },
  };
}

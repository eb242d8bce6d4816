import type { DataStoreFactory, UserContext } from "@sfn/contracts";
import { type PgDriverOptions, pgDriver } from "../driver/pg-driver.js";
import type { SqlDriver, SqlExecutor } from "../driver/sql-driver.js";
import { CollectionConfigCache } from "./collection-config.js";
import { type BindOptions, type DataStoreShared, PostgresDataStore } from "./postgres-data-store.js";
import { SchemaValidators } from "./schema-validation.js";
import type { CallCorrelation } from "./sfn-call.js";

export interface DataStoreFactoryOptions extends PgDriverOptions {
  /** The logical database every store of this factory works in (grants are scoped by it). */
  database: string;
  /** A ready driver (e.g. `pgliteDriver(db)`); otherwise one is opened from `pool`/`connectionString`. */
  driver?: SqlDriver;
  /** Largest accepted document (JSON text, UTF-8 bytes); default 1 MiB. Collections may lower it. */
  maxDocumentBytes?: number;
  /** How long collection configs (JSON Schemas) are cached; default 30 s. */
  configCacheTtlMs?: number;
}

export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024;

export interface PostgresDataStoreFactory extends DataStoreFactory {
  readonly driver: SqlDriver;
  readonly database: string;
  /** A store bound to `user`; pass `transaction` to join an open transaction, and the call's ids. */
  createDataStore(user: UserContext, options?: BindOptions): PostgresDataStore;
  /**
   * Runs `fn` in one transaction with a store bound to `user`: every operation commits or rolls back
   * together (the runtime adds its de-duplication record through `tx`).
   */
  withTransaction<T>(
    user: UserContext,
    fn: (store: PostgresDataStore, tx: SqlExecutor) => Promise<T>,
    correlation?: CallCorrelation,
  ): Promise<T>;
  /** Closes a pool the factory opened. */
  close(): Promise<void>;
}

export function createDataStoreFactory(options: DataStoreFactoryOptions): PostgresDataStoreFactory {
  const driver = options.driver ?? pgDriver(options);
  const shared: DataStoreShared = {
    driver,
    database: options.database,
    maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    configs: new CollectionConfigCache(options.configCacheTtlMs ?? 30_000),
    validators: new SchemaValidators(),
  };
  return {
    driver,
    database: options.database,
    createDataStore: (user, bind) => new PostgresDataStore(shared, user, bind),
    withTransaction: (user, fn, correlation = {}) =>
      driver.transaction((tx) =>
        fn(new PostgresDataStore(shared, user, { ...correlation, transaction: tx }), tx),
      ),
    close: () => driver.close(),
  };
}

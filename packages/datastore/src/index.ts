// @sfn/datastore — the DataStore on PostgreSQL or PGlite; the semantics live in sql/ (shared by all languages).

export { type AuditVerification, auditHead, verifyAuditChain } from "./audit/audit-chain.js";
export { type PgDriverOptions, pgClientExecutor, pgDriver } from "./driver/pg-driver.js";
export {
  type PGliteDatabaseLike,
  type PGliteLike,
  pgliteDriver,
  pgliteExecutor,
} from "./driver/pglite-driver.js";
export { type PgliteSocket, type PgliteSocketOptions, servePglite } from "./driver/pglite-socket.js";
export type { QueryOptions, SqlDriver, SqlExecutor, SqlStatement } from "./driver/sql-driver.js";
export { type DataStoreErrorCode, DataStoreErrorCodes } from "./errors/codes.js";
export { errorFromDriver, errorFromSql, type SqlErrorInfo } from "./errors/map-error.js";
export {
  bundledMigrationList,
  type MigrateOptions,
  type MigrateResult,
  migrate,
} from "./migrations/migrate.js";
export type { Migration } from "./migrations/migration.js";
export type { CollectionConfig } from "./store/collection-config.js";
export {
  createDataStoreFactory,
  type DataStoreFactoryOptions,
  DEFAULT_MAX_DOCUMENT_BYTES,
  type PostgresDataStoreFactory,
} from "./store/data-store-factory.js";
export { type BindOptions, PostgresDataStore } from "./store/postgres-data-store.js";
export { processedCalls } from "./store/processed-calls.js";
export type { SchemaViolation } from "./store/schema-validation.js";
export {
  type CallCorrelation,
  callerContext,
  callSfn,
  SFN_CALL_SQL,
  type SqlCallerContext,
} from "./store/sfn-call.js";

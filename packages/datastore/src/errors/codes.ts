/**
 * Stable codes of the errors the DataStore and Authorizer raise. Most come from the SQL functions
 * (sql/*.sql raise them, every language maps them the same way); Forbidden is always SFN_FORBIDDEN.
 */
export const DataStoreErrorCodes = {
  forbidden: "SFN_FORBIDDEN",
  aborted: "SFN_ABORTED",
  /** A name (collection, database, user, role) is not allowed. */
  nameInvalid: "SFN_NAME_INVALID",
  fieldInvalid: "SFN_FIELD_INVALID",
  filterInvalid: "SFN_FILTER_INVALID",
  filterOperator: "SFN_FILTER_OPERATOR",
  filterOperand: "SFN_FILTER_OPERAND",
  filterTooDeep: "SFN_FILTER_TOO_DEEP",
  filterTooLarge: "SFN_FILTER_TOO_LARGE",
  sortInvalid: "SFN_SORT_INVALID",
  projectionInvalid: "SFN_PROJECTION_INVALID",
  queryInvalid: "SFN_QUERY_INVALID",
  pageInvalid: "SFN_PAGE_INVALID",
  idInvalid: "SFN_ID_INVALID",
  documentInvalid: "SFN_DOCUMENT_INVALID",
  documentReservedField: "SFN_DOCUMENT_RESERVED_FIELD",
  documentTooLarge: "SFN_DOCUMENT_TOO_LARGE",
  /** The document fails the collection's JSON Schema; details.errors lists the failing paths. */
  schemaViolation: "SFN_SCHEMA_VIOLATION",
  updateModeInvalid: "SFN_UPDATE_MODE_INVALID",
  permissionInvalid: "SFN_PERMISSION_INVALID",
  contextInvalid: "SFN_CONTEXT_INVALID",
  collectionConfigInvalid: "SFN_COLLECTION_CONFIG_INVALID",
  argumentsInvalid: "SFN_ARGUMENTS_INVALID",
  operationUnknown: "SFN_OPERATION_UNKNOWN",
  /** The statement ran longer than the configured statement timeout. */
  statementTimeout: "SFN_DB_TIMEOUT",
  /** The database is unreachable or failed; retryable. */
  databaseUnavailable: "SFN_DB_UNAVAILABLE",
  /** A serialization failure or deadlock; retry the transaction. */
  transactionConflict: "SFN_DB_CONFLICT",
  /** An applied migration's file changed since (checksum mismatch). */
  migrationChecksum: "SFN_MIGRATION_CHECKSUM",
  /** The database has migrations this package does not know (it is older than the schema). */
  migrationUnknown: "SFN_MIGRATION_UNKNOWN",
  /** The schema is missing or behind: run `sfn-db migrate`. */
  schemaMissing: "SFN_SCHEMA_MISSING",
} as const;

export type DataStoreErrorCode = (typeof DataStoreErrorCodes)[keyof typeof DataStoreErrorCodes];

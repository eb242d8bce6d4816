import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  SfnError,
  SystemError,
  TimeoutError,
  ValidationError,
} from "@sfn/contracts";
import { DataStoreErrorCodes } from "./codes.js";

/** The `error` member of an sfn.call reply (see sql/0006_documents.sql). */
export interface SqlErrorInfo {
  type: string;
  code: string;
  message: string;
  details?: unknown;
}

/** The typed error for an error the SQL functions returned. */
export function errorFromSql(info: SqlErrorInfo): SfnError {
  const options = { code: info.code, details: info.details };
  switch (info.type) {
    case "ValidationError":
      return new ValidationError(info.message, options);
    case "Forbidden":
      return new ForbiddenError(info.message, options);
    case "NotFound":
      return new NotFoundError(info.message, options);
    case "Conflict":
      return new ConflictError(info.message, options);
    default:
      return new SystemError(info.message, options);
  }
}

interface DriverError {
  code?: unknown;
  detail?: unknown;
  message?: unknown;
}

/**
 * The typed error for anything a driver threw. SF-class SQLSTATEs carry an sfn error in DETAIL; other
 * failures become SystemError (retryable where repeating can help), never leaking SQL text to the wire.
 */
export function errorFromDriver(error: unknown): SfnError {
  if (SfnError.isInstance(error)) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as DriverError;
  const sqlState = typeof e.code === "string" ? e.code : undefined;
  if (sqlState?.startsWith("SF") && typeof e.detail === "string") {
    try {
      const info = JSON.parse(e.detail) as { type: string; code: string; details?: unknown };
      return errorFromSql({ ...info, message: String(e.message) });
    } catch {
      // fall through to the generic mapping
    }
  }
  const message = typeof e.message === "string" ? e.message : String(error);
  if (sqlState === "57014") {
    return new TimeoutError("the statement was cancelled by the statement timeout", {
      code: DataStoreErrorCodes.statementTimeout,
      cause: error,
    });
  }
  if (sqlState === "40001" || sqlState === "40P01") {
    return new SystemError("the transaction conflicted with another one; retry it", {
      code: DataStoreErrorCodes.transactionConflict,
      retryable: true,
      cause: error,
    });
  }
  if (sqlState === "3F000" || sqlState === "42883" || sqlState === "42P01") {
    return new SystemError("the sfn schema is missing or outdated: run `sfn-db migrate`", {
      code: DataStoreErrorCodes.schemaMissing,
      retryable: false,
      cause: error,
    });
  }
  if (sqlState === "54001" || sqlState === "54000") {
    return new ValidationError("the input exceeds a database limit", {
      code: DataStoreErrorCodes.argumentsInvalid,
      cause: error,
    });
  }
  const connectionLost = sqlState === undefined || sqlState.startsWith("08") || sqlState.startsWith("57P");
  return new SystemError(`database error: ${message}`, {
    code: connectionLost ? DataStoreErrorCodes.databaseUnavailable : "SFN_DB_ERROR",
    retryable: connectionLost,
    cause: error,
    details: sqlState === undefined ? undefined : { sqlState },
  });
}

/** Carries an exception of a transaction's callback through the driver, so that it is not mapped. */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs a transaction's callback so that its own exceptions come out of the driver unchanged: queries it
 * ran are already mapped by their executor, and anything else (a function's TypeError, a business error)
 * is the caller's to handle — mapping it to "database error: …" would put its message on the wire.
 */
export async function runCallback<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new CallbackFailure(error);
  }
}

/** The error a transaction rejects with: the callback's own exception as it was, or the mapped driver error. */
export function transactionError(error: unknown): unknown {
  return error instanceof CallbackFailure ? error.error : errorFromDriver(error);
}

import type { ErrorInfo, ErrorType } from "../generated/wire-types.generated.js";
import { SfnError, type SfnErrorOptions } from "./sfn-error.js";

/** Invalid input: a malformed envelope, parameters failing their schema, a bad argument. */
export class ValidationError extends SfnError {
  readonly type = "ValidationError" as const;
}

/** A domain rule was violated; raised by function authors with their own codes. */
export class BusinessLogicError extends SfnError {
  readonly type = "BusinessLogicError" as const;
}

/** Infrastructure failed (broker, database, issuer); retryable by default. */
export class SystemError extends SfnError {
  readonly type = "SystemError" as const;
}

/** A deadline passed before the operation completed; retryable by default. */
export class TimeoutError extends SfnError {
  readonly type = "TimeoutError" as const;
}

/** No valid identity: missing, malformed, expired or forged token. */
export class UnauthorizedError extends SfnError {
  readonly type = "Unauthorized" as const;
}

/** The identity is valid but lacks a required role or permission. */
export class ForbiddenError extends SfnError {
  readonly type = "Forbidden" as const;
}

/** The target (function, document, service) does not exist. */
export class NotFoundError extends SfnError {
  readonly type = "NotFound" as const;
}

/** The target already exists or changed concurrently. */
export class ConflictError extends SfnError {
  readonly type = "Conflict" as const;
}

export type SfnErrorClass = new (message: string, options?: SfnErrorOptions) => SfnError;

const classByType: Record<ErrorType, SfnErrorClass> = {
  ValidationError,
  BusinessLogicError,
  SystemError,
  TimeoutError,
  Unauthorized: UnauthorizedError,
  Forbidden: ForbiddenError,
  NotFound: NotFoundError,
  Conflict: ConflictError,
};

/** The error class of a wire `ErrorType`; an unknown type maps to SystemError (P-ERR-7). */
export function errorClassFor(type: ErrorType): SfnErrorClass {
  return classByType[type] ?? SystemError;
}

/** Rebuilds the typed error from its wire form (e.g. an error reply). */
export function errorFromInfo(info: ErrorInfo): SfnError {
  const ErrorClass = errorClassFor(info.type);
  return new ErrorClass(info.message, { code: info.code, details: info.details, retryable: info.retryable });
}

/**
 * The wire form of any thrown value. Unknown errors become an opaque SystemError so that
 * internal messages and stack traces never leave the process.
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (SfnError.isInstance(error)) return error.toErrorInfo();
  return { type: "SystemError", code: "SFN_INTERNAL", message: "internal error" };
}

import { ErrorCodes } from "./error-codes.js";
import { SystemError } from "./error-types.js";

/**
 * The error an operation cancelled through an AbortSignal rejects with, the same in every sfn package:
 * the signal's own reason when the caller gave one (`controller.abort(myError)`, `AbortSignal.timeout()`),
 * otherwise SystemError SFN_ABORTED (not retryable).
 */
export function abortError(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  const isDefaultReason = reason instanceof Error && reason.name === "AbortError";
  if (reason !== undefined && !isDefaultReason) return reason;
  return new SystemError("the operation was aborted", {
    code: ErrorCodes.aborted,
    retryable: false,
    cause: reason,
  });
}

/** Throws {@link abortError} when the signal has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Calls `handler` once when the signal aborts (at once for an aborted signal) and returns the function that
 * detaches it.
 */
export function onAbort(signal: AbortSignal | undefined, handler: (error: unknown) => void): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    handler(abortError(signal));
    return noop;
  }
  const listener = () => handler(abortError(signal));
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/**
 * Settles with `work`, or rejects as soon as `signal` aborts. The work itself keeps running: it may be
 * shared with other callers (single-flight), so one caller giving up must not cancel it for the rest.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const detach = onAbort(signal, reject);
    work.then(
      (value) => {
        detach();
        resolve(value);
      },
      (error: unknown) => {
        detach();
        reject(error);
      },
    );
  });
}

function noop(): void {}

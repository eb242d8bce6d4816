import { type ErrorInfo, type SfnError, SystemError } from "@sfn/contracts";

// Symbol.for: recognised across duplicate copies of this package, like SfnError.isInstance.
const MARKER = Symbol.for("@sfn/runtime.PoisonDisposition");

/** What a function may answer about a message it cannot process now, or ever. */
export type Disposition = "retry-later" | "dead-letter" | "drop";

/**
 * Thrown by a function (through `retryLater`, `deadLetterNow`, `dropMessage`) to tell the host what to
 * do with the message instead of replying with a result. Its transaction rolls back in every case.
 */
export class PoisonDisposition extends SystemError {
  readonly disposition: Disposition;
  /** retry-later: milliseconds before the next attempt. */
  readonly delayMs: number;
  /** dead-letter: the error the caller receives (and the dead letter records). */
  readonly replyError: ErrorInfo;

  constructor(
    disposition: Disposition,
    reason: string,
    options: { delayMs?: number; error?: SfnError } = {},
  ) {
    super(reason, { code: `SFN_POISON_${disposition.replace("-", "_").toUpperCase()}`, retryable: false });
    this.disposition = disposition;
    this.delayMs = Math.max(0, options.delayMs ?? 1_000);
    this.replyError =
      options.error?.toErrorInfo() ??
      ({ type: "SystemError", code: "SFN_DEAD_LETTERED", message: reason } satisfies ErrorInfo);
    Object.defineProperty(this, MARKER, { value: true });
  }

  static isDisposition(value: unknown): value is PoisonDisposition {
    return typeof value === "object" && value !== null && MARKER in value;
  }
}

/**
 * The message cannot be processed yet (a resource is locked, a dependency is warming up): the host keeps
 * it unacknowledged, waits `delayMs` and runs it again, up to the host's `retryLaterLimit`, never past
 * the call's time limit; then it is dead-lettered. A crash meanwhile redelivers it.
 */
export function retryLater(reason: string, options: { delayMs?: number } = {}): PoisonDisposition {
  return new PoisonDisposition("retry-later", reason, options);
}

/**
 * The message will never succeed: dead-letter it now (topic `dlq/{service}` and the dead-letter table),
 * without retries, and reply `error` (default SystemError SFN_DEAD_LETTERED with `reason`).
 */
export function deadLetterNow(reason: string, options: { error?: SfnError } = {}): PoisonDisposition {
  return new PoisonDisposition("dead-letter", reason, options);
}

/** The message is meaningless (e.g. superseded): acknowledge it, reply nothing, keep no dead letter. */
export function dropMessage(reason: string): PoisonDisposition {
  return new PoisonDisposition("drop", reason);
}

import { ErrorCodes, SystemError } from "@sfn/contracts";

/**
 * The reason an attempt's statement signal aborts once the attempt is over (cancels statements still
 * running on its transaction). One shared instance: `abort()` without a reason would build a
 * DOMException, with its stack trace, for every call.
 */
export const ATTEMPT_ENDED = new SystemError("the call's transaction has ended", {
  code: ErrorCodes.internal,
  retryable: false,
});

/**
 * The two signals of one attempt, each created only when something asks for it (most functions never
 * read `ctx.signal` and never open a transaction): `call`, the function's `ctx.signal`, aborts at the
 * time limit; `statements`, given to the attempt's transaction, aborts at the time limit too and once
 * the attempt has ended, so a function that ignores its signal cannot write afterwards.
 */
export class AttemptSignals {
  #call: AbortController | undefined;
  #statements: AbortController | undefined;
  #timedOut: unknown;
  #ended = false;

  get call(): AbortSignal {
    if (!this.#call) {
      this.#call = new AbortController();
      if (this.#timedOut !== undefined) this.#call.abort(this.#timedOut);
    }
    return this.#call.signal;
  }

  get statements(): AbortSignal {
    if (!this.#statements) {
      this.#statements = new AbortController();
      if (this.#timedOut !== undefined) this.#statements.abort(this.#timedOut);
      else if (this.#ended) this.#statements.abort(ATTEMPT_ENDED);
    }
    return this.#statements.signal;
  }

  /** The time limit passed. */
  timeOut(reason: unknown): void {
    if (this.#timedOut !== undefined) return;
    this.#timedOut = reason;
    this.#call?.abort(reason);
    this.#statements?.abort(reason);
  }

  /** The attempt is over (committed, rolled back or failed). */
  end(): void {
    this.#ended = true;
    if (this.#statements && !this.#statements.signal.aborted) this.#statements.abort(ATTEMPT_ENDED);
  }
}

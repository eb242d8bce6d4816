import { SystemError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";

export function clientClosedError(): SystemError {
  return new SystemError("the messaging client is closed", {
    code: MessagingErrorCodes.clientClosed,
    retryable: false,
  });
}

/** Counts operations in flight so close() can drain them, and refuses new ones once closing. */
export class Activity {
  #closing = false;
  #inFlight = 0;
  #onIdle: (() => void)[] = [];

  get closing(): boolean {
    return this.#closing;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  assertOpen(): void {
    if (this.#closing) throw clientClosedError();
  }

  /** Counts one operation as started; the caller calls end() exactly once when it finished. */
  begin(): void {
    this.#inFlight += 1;
  }

  end(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0 && this.#onIdle.length > 0) for (const wake of this.#onIdle.splice(0)) wake();
  }

  /** Counts `operation` until it settles; its outcome is passed through untouched. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.begin();
    const done = () => this.end();
    operation.then(done, done);
    return operation;
  }

  /** Stops new operations; resolves true once the in-flight ones settled, false after `timeoutMs`. */
  drain(timeoutMs: number): Promise<boolean> {
    this.#closing = true;
    if (this.#inFlight === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#onIdle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

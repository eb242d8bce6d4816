import { onAbort, TimeoutError, ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { type Deferred, deferred } from "../internal/deferred.js";

interface PendingCall<T> extends Deferred<T> {
  timer: NodeJS.Timeout;
  detachAbort: () => void;
}

export interface CallDescription {
  topic: string;
  function: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The calls waiting for a reply, keyed by callId. Each entry is removed exactly once: by its reply, its
 * timeout (TimeoutError SFN_REPLY_TIMEOUT), its AbortSignal, a failed publish or close().
 */
export class PendingCalls<T> {
  readonly #calls = new Map<string, PendingCall<T>>();

  get size(): number {
    return this.#calls.size;
  }

  has(callId: string): boolean {
    return this.#calls.has(callId);
  }

  /** Registers a call before it is published (the reply may overtake the publish acknowledgement). */
  register(callId: string, call: CallDescription): Promise<T> {
    if (this.#calls.has(callId)) {
      throw new ValidationError(`callId ${callId} is already waiting for a reply`, {
        code: MessagingErrorCodes.invalidArgument,
      });
    }
    const pending = deferred<T>() as PendingCall<T>;
    pending.timer = setTimeout(() => {
      this.reject(
        callId,
        new TimeoutError(`no reply from '${call.topic}' to ${call.function} within ${call.timeoutMs} ms`, {
          code: MessagingErrorCodes.replyTimeout,
          details: { topic: call.topic, function: call.function, callId, timeoutMs: call.timeoutMs },
        }),
      );
    }, call.timeoutMs);
    pending.detachAbort = () => {};
    this.#calls.set(callId, pending);
    pending.detachAbort = onAbort(call.signal, (error) => this.reject(callId, error));
    return pending.promise;
  }

  resolve(callId: string, value: T): boolean {
    const pending = this.#take(callId);
    pending?.resolve(value);
    return pending !== undefined;
  }

  reject(callId: string, error: unknown): boolean {
    const pending = this.#take(callId);
    pending?.reject(error);
    return pending !== undefined;
  }

  rejectAll(error: () => unknown): void {
    for (const callId of [...this.#calls.keys()]) this.reject(callId, error());
  }

  #take(callId: string): PendingCall<T> | undefined {
    const pending = this.#calls.get(callId);
    if (pending === undefined) return undefined;
    this.#calls.delete(callId);
    clearTimeout(pending.timer);
    pending.detachAbort();
    return pending;
  }
}

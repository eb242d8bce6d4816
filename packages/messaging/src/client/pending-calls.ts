import { abortError, TimeoutError, ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { DeadlineTimers, type Timed } from "../internal/deadline-timers.js";
import type { Deferred } from "../internal/deferred.js";

export interface CallDescription {
  topic: string;
  function: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Counts the calls in flight (the client's Activity, so close() drains them). */
export interface CallTracker {
  begin(): void;
  end(): void;
}

interface PendingCall<T> extends Deferred<T>, Timed {
  readonly callId: string;
  readonly call: CallDescription;
  onAbort: (() => void) | undefined;
}

function expire<T>(calls: PendingCalls<T>, pending: PendingCall<T>): void {
  if (!calls.has(pending.callId)) return;
  const { callId, call } = pending;
  calls.reject(
    callId,
    new TimeoutError(`no reply from '${call.topic}' to ${call.function} within ${call.timeoutMs} ms`, {
      code: MessagingErrorCodes.replyTimeout,
      details: { topic: call.topic, function: call.function, callId, timeoutMs: call.timeoutMs },
    }),
  );
}

const untracked: CallTracker = { begin() {}, end() {} };

/**
 * The calls waiting for a reply, keyed by callId. Each entry is removed exactly once: by its reply, its
 * timeout (TimeoutError SFN_REPLY_TIMEOUT), its AbortSignal, a failed publish or close(). The hot path
 * allocates nothing beyond the entry and its promise: timeouts share one timer per timeout length
 * (DeadlineTimers), and an abort listener exists only for calls that have a signal.
 */
export class PendingCalls<T> {
  readonly #calls = new Map<string, PendingCall<T>>();
  readonly #tracker: CallTracker;
  readonly #timers = new DeadlineTimers<PendingCall<T>>((pending) => expire(this, pending));

  constructor(tracker: CallTracker = untracked) {
    this.#tracker = tracker;
  }

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
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // One object with every field from the start: a single shape for all entries.
    const pending: PendingCall<T> = {
      promise,
      resolve,
      reject,
      callId,
      call,
      due: 0,
      prevTimed: undefined,
      nextTimed: undefined,
      timedList: undefined,
      onAbort: undefined,
    };
    const signal = call.signal;
    if (signal?.aborted) {
      pending.reject(abortError(signal));
      return pending.promise;
    }
    this.#calls.set(callId, pending);
    this.#tracker.begin();
    this.#timers.add(pending, call.timeoutMs);
    if (signal !== undefined) {
      pending.onAbort = () => this.reject(callId, abortError(signal));
      signal.addEventListener("abort", pending.onAbort, { once: true });
    }
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
    this.#timers.remove(pending);
    if (pending.onAbort !== undefined) pending.call.signal?.removeEventListener("abort", pending.onAbort);
    this.#tracker.end();
    return pending;
  }
}

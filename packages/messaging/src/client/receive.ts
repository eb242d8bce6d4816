import { decodeEnvelope, type Envelope, onAbort, TimeoutError, ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { deferred } from "../internal/deferred.js";
import { parseTopicFilter } from "../internal/topic-filter.js";
import type { ClientContext } from "./client-context.js";
import type { TopicListener } from "./topic-listeners.js";

/** How a topic listener settles the wait it belongs to. */
export interface Outcome<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

export interface WaitOptions {
  timeout?: number;
  signal?: AbortSignal;
  /** Called once the broker confirmed the subscription: publish after this and the message is seen. */
  onSubscribed?: () => void;
}

/**
 * Subscribes `filter` on the main connection until `accept` settles the wait (or it times out or is
 * aborted), then leaves. `accept` settles the wait through its outcome, or leaves it to keep waiting.
 */
export async function waitOnTopic<T>(
  context: ClientContext,
  filterText: string,
  options: WaitOptions,
  accept: (topic: string, payload: Buffer, outcome: Outcome<T>) => void,
): Promise<T> {
  context.activity.assertOpen();
  if (options.timeout !== undefined && !(Number.isFinite(options.timeout) && options.timeout > 0)) {
    throw new ValidationError(`timeout must be a positive number of milliseconds, got ${options.timeout}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  const filter = parseTopicFilter(filterText);
  if (filter.shareGroup !== undefined) await context.shared.assertSupported(filter.raw);
  const result = deferred<T>();
  let settled = false;
  const outcome: Outcome<T> = {
    resolve(value) {
      if (settled) return;
      settled = true;
      result.resolve(value);
    },
    reject(error) {
      if (settled) return;
      settled = true;
      result.reject(error);
    },
  };
  const listener: TopicListener = (topic, payload) => {
    if (!settled) accept(topic, payload, outcome);
  };
  const detachAbort = onAbort(options.signal, outcome.reject);
  const detachClose = onAbort(context.closeSignal, outcome.reject);
  const timer =
    options.timeout === undefined
      ? undefined
      : setTimeout(() => {
          outcome.reject(
            new TimeoutError(`nothing arrived on '${filterText}' within ${options.timeout} ms`, {
              code: MessagingErrorCodes.receiveTimeout,
              details: { topic: filterText, timeoutMs: options.timeout },
            }),
          );
        }, options.timeout);
  const release = context.listeners.listen(filter, 1, listener);
  release.then(
    (leave) => {
      if (settled) leave();
      else {
        result.promise.then(leave, leave);
        options.onSubscribed?.();
      }
    },
    (error: unknown) => outcome.reject(error),
  );
  try {
    return await result.promise;
  } finally {
    clearTimeout(timer);
    detachAbort();
    detachClose();
  }
}

/** receive(): the next envelope on a topic filter; undecodable messages are reported and skipped. */
export function receiveEnvelope(
  context: ClientContext,
  topic: string,
  options: WaitOptions,
): Promise<Envelope> {
  return waitOnTopic<Envelope>(context, topic, options, (messageTopic, payload, outcome) => {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(payload, { maxBytes: context.options.maxPayloadBytes });
    } catch (error) {
      context.hooks.reportError(messageTopic, error);
      return;
    }
    const hooks = context.hooks.run({ type: "after-receive", topic: messageTopic, envelope });
    if (hooks === undefined) outcome.resolve(envelope);
    else hooks.then(() => outcome.resolve(envelope));
  });
}

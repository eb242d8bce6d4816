import { createHash } from "node:crypto";
import type { MessageHandler, OperationOptions, SubscribeOptions, Subscription } from "@sfn/contracts";
import { ValidationError } from "@sfn/contracts";
import type { ClientContext } from "../client/client-context.js";
import { assertQos } from "../client/envelope-sender.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { parseTopicFilter } from "../internal/topic-filter.js";
import { Subscriber } from "./subscriber.js";

/** subscribe() options beyond the contract's. */
export interface MqttSubscribeOptions extends SubscribeOptions {
  /** Handlers running at once per connection (default 1: one at a time, in arrival order). */
  concurrency?: number;
  /**
   * Connections in the `$share` group (default 1). Each is its own session `${clientId}-${i}`; the
   * broker spreads messages over them. Only for `$share/` filters (otherwise each would get every message).
   */
  connections?: number;
  /** Unacknowledged messages held per connection (default max(16, 2 × concurrency)). */
  maxInFlight?: number;
  /** Client id of the subscriber connection (default derived from the client's id and the filter). */
  clientId?: string;
}

function count(name: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(`${name} must be an integer from 1 to ${max}, got ${value}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  return value;
}

/** Stable per (client id, filter, occurrence), so a restarted process resumes the same session. */
function subscriberClientId(context: ClientContext, filter: string, explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const digest = createHash("sha256").update(filter).digest("base64url").slice(0, 12);
  const base = `${context.options.clientId}-s-${digest}`;
  const seen = (context.subscriberIds.get(base) ?? 0) + 1;
  context.subscriberIds.set(base, seen);
  return seen === 1 ? base : `${base}-${seen}`;
}

/**
 * Opens the subscriber connection(s) of one subscription. They are separate from the main connection
 * so a slow handler can never hold back replies, and so PUBACK order (arrival order per connection)
 * only couples messages of the same subscription.
 */
export async function openSubscription(
  context: ClientContext,
  topic: string,
  handler: MessageHandler,
  options: MqttSubscribeOptions = {},
): Promise<Subscription> {
  context.activity.assertOpen();
  if (typeof handler !== "function") {
    throw new ValidationError("subscribe needs a handler function", {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  const filter = parseTopicFilter(topic);
  const qos = options.qos ?? 1;
  assertQos(qos);
  const concurrency = count("concurrency", options.concurrency, 1, 65_535);
  const connections = count("connections", options.connections, 1, 64);
  const maxInFlight = count("maxInFlight", options.maxInFlight, Math.max(16, 2 * concurrency), 65_535);
  if (connections > 1 && filter.shareGroup === undefined) {
    throw new ValidationError(
      "connections > 1 needs a $share/ filter, or every connection gets every message",
      {
        code: MessagingErrorCodes.invalidArgument,
      },
    );
  }
  if (filter.shareGroup !== undefined) await context.shared.assertSupported(filter.raw);
  if (qos === 2)
    context.log.info("QoS 2: the client owns a message once it sent PUBREC, before the handler ran");
  const stable = context.options.stableClientId || options.clientId !== undefined;
  const baseId = subscriberClientId(context, filter.raw, options.clientId);
  // At MQTT 3.1.1 a session never expires, so only stable ids get one (nobody resumes a random id).
  const persistentSession = context.options.protocolVersion === 5 || stable;
  const subscribers = Array.from({ length: connections }, (_, index) => {
    const spec = {
      filter: filter.raw,
      qos,
      clientId: connections === 1 ? baseId : `${baseId}-${index}`,
      concurrency,
      maxInFlight,
      persistentSession,
      endSessionOnClose: !stable,
    };
    return new Subscriber(context, spec, handler);
  });
  const closeAll = (unsubscribeToo: boolean) =>
    Promise.all(
      subscribers.map((s) =>
        s.close({ unsubscribe: unsubscribeToo, drainTimeoutMs: context.options.drainTimeoutMs }),
      ),
    ).then(() => undefined);
  const entry = { close: () => closeAll(false) };
  context.subscribers.add(entry);
  try {
    await Promise.all(subscribers.map((s) => s.start()));
  } catch (error) {
    context.subscribers.delete(entry);
    await closeAll(false).catch(() => {});
    throw error;
  }
  return {
    topic: filter.raw,
    async unsubscribe(_options?: OperationOptions): Promise<void> {
      context.subscribers.delete(entry);
      await closeAll(true);
    },
  };
}

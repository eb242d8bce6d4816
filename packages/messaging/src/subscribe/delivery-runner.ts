import { decodeEnvelope, type Envelope, type MessageHandler, SystemError } from "@sfn/contracts";
import type { IPublishPacket } from "mqtt";
import type { ClientContext } from "../client/client-context.js";
import { type AckSlot, PubackReason } from "../connection/ack-sequencer.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";

/** A received message and, for QoS 1, the slot that acknowledges it. */
export interface Delivery {
  packet: IPublishPacket;
  slot?: AckSlot;
}

/** MQTT 5 PUBACK reason "payload format invalid": the message was dropped as undecodable. */
const PAYLOAD_FORMAT_INVALID = 0x99;

/**
 * Runs a subscription's handler on received messages, at most `concurrency` at once, in arrival order
 * of their start. A message the broker redelivers (DUP) while its first copy is still being handled (the
 * connection dropped in between) is not handled twice: it is acknowledged when the first copy finishes.
 */
export class DeliveryRunner {
  readonly #context: ClientContext;
  readonly #handler: MessageHandler;
  readonly #concurrency: number;
  readonly #onSettled: () => void;
  readonly #queue: Delivery[] = [];
  readonly #inProgress = new Map<string, Promise<number>>();
  #running = 0;
  #onIdle: (() => void)[] = [];

  constructor(context: ClientContext, handler: MessageHandler, concurrency: number, onSettled: () => void) {
    this.#context = context;
    this.#handler = handler;
    this.#concurrency = concurrency;
    this.#onSettled = onSettled;
  }

  /** Messages queued or running. */
  get outstanding(): number {
    return this.#queue.length + this.#running;
  }

  enqueue(delivery: Delivery): void {
    this.#queue.push(delivery);
    this.#pump();
  }

  /** Forgets queued (not yet started) messages that match; they are redelivered by the broker. */
  dropQueued(predicate: (delivery: Delivery) => boolean): void {
    const kept = this.#queue.filter((delivery) => !predicate(delivery));
    this.#queue.splice(0, this.#queue.length, ...kept);
    this.#wakeIfIdle();
  }

  /** Resolves when no handler runs any more, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#onIdle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const delivery = this.#queue.shift()!;
      this.#running += 1;
      this.#process(delivery).then((reasonCode) => {
        delivery.slot?.complete(reasonCode);
        this.#running -= 1;
        this.#pump();
        this.#onSettled();
        this.#wakeIfIdle();
      });
    }
  }

  #wakeIfIdle(): void {
    if (this.#running === 0) for (const wake of this.#onIdle.splice(0)) wake();
  }

  async #process(delivery: Delivery): Promise<number> {
    const { packet } = delivery;
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(packet.payload as Buffer, {
        maxBytes: this.#context.options.maxPayloadBytes,
      });
    } catch (error) {
      this.#context.hooks.reportError(packet.topic, error);
      return PAYLOAD_FORMAT_INVALID;
    }
    // Only a broker redelivery (DUP) can be a copy of a message still being handled here.
    const running = packet.dup ? this.#inProgress.get(envelope.messageId) : undefined;
    if (running !== undefined) return running;
    const outcome = this.#handle(envelope, packet);
    this.#inProgress.set(envelope.messageId, outcome);
    try {
      return await outcome;
    } finally {
      if (this.#inProgress.get(envelope.messageId) === outcome) this.#inProgress.delete(envelope.messageId);
    }
  }

  async #handle(envelope: Envelope, packet: IPublishPacket): Promise<number> {
    const { hooks, trace } = this.#context;
    const topic = packet.topic;
    try {
      const before = hooks.run({ type: "after-receive", topic, envelope });
      if (before !== undefined) await before;
      await trace.runWith(envelope.headers, () =>
        this.#handler(envelope, { topic, redelivered: packet.dup }),
      );
      return PubackReason.success;
    } catch (error) {
      const failure = new SystemError("a subscribe handler failed; the message was acknowledged", {
        code: MessagingErrorCodes.handlerFailed,
        cause: error,
        details: { topic, messageId: envelope.messageId },
        retryable: false,
      });
      hooks.reportError(topic, failure, envelope);
      return PubackReason.unspecifiedError;
    }
  }
}

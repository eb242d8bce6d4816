import type { Duplex } from "node:stream";
import type { MessageHandler, QoS } from "@sfn/contracts";
import type { IPublishPacket } from "mqtt";
import type { ClientContext } from "../client/client-context.js";
import { AckSequencer, type AckSlot, DEFER_ACK } from "../connection/ack-sequencer.js";
import { subscribe, unsubscribe } from "../connection/broker-operations.js";
import { MqttConnection } from "../connection/mqtt-connection.js";
import { type Delivery, DeliveryRunner } from "./delivery-runner.js";

export interface SubscriberSpec {
  filter: string;
  qos: QoS;
  clientId: string;
  /** Handlers running at once on this connection. */
  concurrency: number;
  /** Messages held unacknowledged at once (MQTT 5 receive maximum; at 3.1.1 the pipeline pauses). */
  maxInFlight: number;
  persistentSession: boolean;
  /** Drop the broker session when this subscriber closes (its client id will not come back). */
  endSessionOnClose: boolean;
}

/**
 * One subscriber connection with acknowledge-after-processing. mqtt.js hands it one PUBLISH at a time
 * and parses the next one only when released, and its own PUBACK would go out at that moment; so each
 * message is released at once (with DEFER_ACK: no PUBACK yet), handed to the DeliveryRunner, and
 * acknowledged by the AckSequencer when its handler settled — in arrival order, on the socket it came
 * from. The pipeline thus never waits for user code: PINGRESPs and PUBACKs of the handler's own
 * publishes keep flowing, so long handlers neither trip the keepalive nor deadlock.
 */
export class Subscriber {
  readonly #context: ClientContext;
  readonly #spec: SubscriberSpec;
  readonly #connection: MqttConnection;
  readonly #runner: DeliveryRunner;
  #sequencer: AckSequencer | undefined;
  #pausedRelease: (() => void) | undefined;
  #closing = false;

  constructor(context: ClientContext, spec: SubscriberSpec, handler: MessageHandler) {
    this.#context = context;
    this.#spec = spec;
    this.#runner = new DeliveryRunner(context, handler, spec.concurrency, () => this.#resumeIfRoom());
    this.#connection = new MqttConnection(
      context.options,
      {
        clientId: spec.clientId,
        persistentSession: spec.persistentSession,
        sessionExpirySeconds: context.options.sessionExpirySeconds,
        receiveMaximum: spec.maxInFlight,
        role: "subscriber",
      },
      (packet, release) => this.#onPublish(packet, release),
      context.log,
    );
    this.#connection.on("down", () => {
      // Unacknowledged messages of the lost socket come again (dup) on the resumed session.
      this.#runner.dropQueued((delivery) => delivery.slot !== undefined);
      this.#pausedRelease = undefined;
    });
  }

  get connected(): boolean {
    return this.#connection.connected;
  }

  async start(): Promise<void> {
    await this.#connection.start(this.#context.options.connectTimeoutMs);
    await subscribe(this.#connection, this.#spec.filter, this.#spec.qos);
  }

  #onPublish(packet: IPublishPacket, release: (error?: Error) => void): void {
    // While closing, messages are neither handled nor acknowledged: the broker redelivers them later.
    if (this.#closing) return;
    let slot: AckSlot | undefined;
    if (packet.qos === 1 && packet.messageId !== undefined) {
      slot = this.#sequencerFor(this.#connection.mqtt.stream as Duplex).track(packet.messageId);
    }
    const delivery: Delivery = { packet, ...(slot === undefined ? {} : { slot }) };
    this.#runner.enqueue(delivery);
    const next = () => release(slot === undefined ? undefined : DEFER_ACK);
    if (this.#runner.outstanding >= this.#spec.maxInFlight) this.#pausedRelease = next;
    else next();
  }

  #sequencerFor(stream: Duplex): AckSequencer {
    if (this.#sequencer?.stream !== stream) {
      this.#sequencer = new AckSequencer(stream, this.#connection.protocolVersion);
    }
    return this.#sequencer;
  }

  #resumeIfRoom(): void {
    if (this.#pausedRelease !== undefined && this.#runner.outstanding < this.#spec.maxInFlight) {
      const release = this.#pausedRelease;
      this.#pausedRelease = undefined;
      release();
    }
  }

  /** Stops taking messages, lets running handlers finish (bounded), then disconnects. */
  async close(options: { unsubscribe?: boolean; drainTimeoutMs: number }): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    if (options.unsubscribe && this.#connection.connected) {
      await unsubscribe(this.#connection, this.#spec.filter).catch(() => {});
    }
    this.#runner.dropQueued(() => true);
    await this.#runner.drain(options.drainTimeoutMs);
    await this.#connection.end({ endSession: options.unsubscribe === true || this.#spec.endSessionOnClose });
  }
}

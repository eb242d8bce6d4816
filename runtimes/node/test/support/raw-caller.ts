import { randomBytes } from "node:crypto";
import { type Envelope, newSessionId } from "@sfn/contracts";
import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";

export interface RawReply {
  envelope: Envelope;
  properties: IPublishPacket["properties"];
  qos: number;
  retain: boolean;
}

/**
 * A bare mqtt.js caller: publishes an envelope exactly as built (e.g. a deadline shorter than the wait)
 * and collects the replies on its own reply topic with their MQTT 5 properties.
 */
export class RawCaller {
  readonly replyTo: string;
  readonly #replies = new Map<string, RawReply>();
  readonly #waiters = new Map<string, (reply: RawReply) => void>();
  #client!: MqttClient;

  constructor(prefix: string) {
    this.replyTo = `${prefix}/reply/${newSessionId()}`;
  }

  async connect(url: string): Promise<void> {
    this.#client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clientId: `node-conformance-raw-${randomBytes(6).toString("hex")}`,
      clean: true,
    });
    this.#client.on("message", (_topic, payload, packet) => {
      const envelope = JSON.parse(payload.toString("utf8")) as Envelope;
      if (!envelope.callId) return;
      const reply = { envelope, properties: packet.properties, qos: packet.qos, retain: packet.retain };
      this.#replies.set(envelope.callId, reply);
      this.#waiters.get(envelope.callId)?.(reply);
    });
    await this.#client.subscribeAsync(this.replyTo, { qos: 1 });
  }

  /** Publishes `envelope` at QoS 1 and resolves with its reply, or rejects after `ms`. */
  async call(topic: string, envelope: Envelope, ms = 15_000): Promise<RawReply> {
    const callId = envelope.callId!;
    const reply = new Promise<RawReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${callId} within ${ms} ms`)), ms);
      this.#waiters.set(callId, (r) => {
        clearTimeout(timer);
        this.#waiters.delete(callId);
        resolve(r);
      });
    });
    await this.#client.publishAsync(topic, JSON.stringify(envelope), { qos: 1 });
    return reply;
  }

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}

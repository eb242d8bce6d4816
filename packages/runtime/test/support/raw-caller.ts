import { randomBytes } from "node:crypto";
import { type Envelope, newSessionId } from "@sfn/contracts";
import mqtt, { type MqttClient } from "mqtt";

/** A bare mqtt.js caller: publishes any bytes to a service topic and collects replies by callId. */
export class RawCaller {
  readonly replyTo: string;
  readonly replies = new Map<string, Envelope[]>();
  readonly anonymous: Envelope[] = [];
  readonly #waiters = new Map<string, (e: Envelope) => void>();
  #client!: MqttClient;

  constructor(readonly prefix: string) {
    this.replyTo = `${prefix}/reply/${newSessionId()}`;
  }

  async connect(url: string): Promise<void> {
    this.#client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clientId: `rt-caller-${randomBytes(6).toString("hex")}`,
      clean: true,
    });
    this.#client.on("message", (_topic, payload) => {
      const envelope = JSON.parse(payload.toString("utf8")) as Envelope;
      if (!envelope.callId) {
        this.anonymous.push(envelope);
        return;
      }
      const list = this.replies.get(envelope.callId) ?? [];
      list.push(envelope);
      this.replies.set(envelope.callId, list);
      this.#waiters.get(envelope.callId)?.(envelope);
    });
    await this.#client.subscribeAsync(this.replyTo, { qos: 1 });
  }

  async subscribe(topic: string, onMessage: (e: Envelope) => void): Promise<void> {
    this.#client.on("message", (t, payload) => {
      if (t === topic) onMessage(JSON.parse(payload.toString("utf8")) as Envelope);
    });
    await this.#client.subscribeAsync(topic, { qos: 1 });
  }

  publish(topic: string, payload: string | Buffer, properties?: mqtt.IClientPublishOptions["properties"]) {
    return this.#client.publishAsync(topic, payload, { qos: 1, properties });
  }

  /** Resolves with the first reply to `callId` (already received or future), or rejects after `ms`. */
  waitFor(callId: string, ms = 15_000): Promise<Envelope> {
    const seen = this.replies.get(callId)?.[0];
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(callId);
        reject(new Error(`no reply to ${callId} within ${ms} ms`));
      }, ms);
      this.#waiters.set(callId, (e) => {
        clearTimeout(timer);
        this.#waiters.delete(callId);
        resolve(e);
      });
    });
  }

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}

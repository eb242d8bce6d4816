import { randomBytes } from "node:crypto";
import mqtt, { type IClientPublishOptions, type MqttClient } from "mqtt";
import type { ProtocolLevel } from "../model.js";
import { type Frame, frameFromPacket, topicMatches } from "./frames.js";

/** 128 random bits, base64url without padding (22 characters): session ids and callIds (P-TOP-3). */
export function randomId(): string {
  return randomBytes(16).toString("base64url");
}

function connect(url: string, clientId: string, level: ProtocolLevel): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId,
    protocolVersion: level,
    clean: false,
    reconnectPeriod: 200,
    connectTimeout: 5000,
    keepalive: 30,
    ...(level === 5 ? { properties: { sessionExpiryInterval: 600, receiveMaximum: 65535 } } : {}),
  });
  client.on("error", () => {}); // reconnects on its own; failures surface as timeouts of the steps
  client.on("connect", () => (client.stream as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cannot connect to ${url}`)), 10_000);
    client.once("connect", () => {
      clearTimeout(timer);
      resolve(client);
    });
  });
}

/**
 * The runner's two MQTT clients on one lane, at one protocol level: an observer subscribed to the
 * lane's whole prefix (`{p}#`, QoS 1, Retain As Published at MQTT 5), which records every frame of the
 * current case, and a publisher for calls and raw publishes. Both keep persistent sessions, so a broker
 * restart loses nothing.
 */
export class LaneMqtt {
  readonly level: ProtocolLevel;
  readonly #observer: MqttClient;
  readonly #publisher: MqttClient;
  readonly #waiters = new Set<(frame: Frame) => void>();
  frames: Frame[] = [];
  /** Number of frames observed so far on this lane: a step's replies are the frames after it. */
  seq = 0;
  /** Payloads the runner published itself, so golden frames hold only what the runtime emitted. */
  readonly published = new Set<string>();

  private constructor(level: ProtocolLevel, observer: MqttClient, publisher: MqttClient) {
    this.level = level;
    this.#observer = observer;
    this.#publisher = publisher;
    observer.on("message", (_topic, _payload, packet) => {
      this.seq += 1;
      const frame = frameFromPacket(packet, this.seq);
      this.frames.push(frame);
      for (const waiter of this.#waiters) waiter(frame);
    });
  }

  static async open(url: string, prefix: string, name: string, level: ProtocolLevel): Promise<LaneMqtt> {
    const suffix = randomBytes(4).toString("hex");
    const observer = await connect(url, `conf-${name}-obs-${suffix}`, level);
    const publisher = await connect(url, `conf-${name}-pub-${suffix}`, level);
    const lane = new LaneMqtt(level, observer, publisher);
    await observer.subscribeAsync(`${prefix}#`, level === 5 ? { qos: 1, rap: true } : { qos: 1 });
    return lane;
  }

  /** Starts a new case: forgets the frames seen so far. */
  reset(): void {
    this.frames = [];
    this.published.clear();
  }

  /** Publishes at QoS 1 and resolves on PUBACK. */
  async publish(
    topic: string,
    payload: Buffer,
    properties?: IClientPublishOptions["properties"],
  ): Promise<void> {
    this.published.add(`${topic}\u0000${payload.toString("base64")}`);
    const options: IClientPublishOptions = { qos: 1, retain: false };
    if (this.level === 5 && properties) options.properties = properties;
    await this.#publisher.publishAsync(topic, payload, options);
  }

  /** Whether the runner published this frame itself. */
  isOwn(frame: Frame): boolean {
    return this.published.has(`${frame.topic}\u0000${frame.payload.toString("base64")}`);
  }

  /** Resolves with the first frame (already seen in this case, or arriving) that satisfies `test`. */
  waitFor(test: (frame: Frame) => boolean, timeoutMs: number): Promise<Frame | undefined> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const waiter = (frame: Frame) => {
        if (!test(frame)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Every frame on `filter` (absolute topic filter) seen in this case. */
  on(filter: string): Frame[] {
    return this.frames.filter((f) => topicMatches(filter, f.topic));
  }

  /** Waits until `condition` holds (re-checked on each frame) or the time is up. */
  async until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return true;
    const frame = await this.waitFor(() => condition(), timeoutMs);
    return frame !== undefined || condition();
  }

  async close(): Promise<void> {
    await Promise.all([this.#observer.endAsync(true), this.#publisher.endAsync(true)]);
  }
}

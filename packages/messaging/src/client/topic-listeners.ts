import type { QoS } from "@sfn/contracts";
import type { IPublishPacket } from "mqtt";
import { subscribe, unsubscribe } from "../connection/broker-operations.js";
import type { MqttConnection } from "../connection/mqtt-connection.js";
import type { SafeLogger } from "../internal/logger.js";
import { type ParsedFilter, topicMatches } from "../internal/topic-filter.js";

export type TopicListener = (topic: string, payload: Buffer, packet: IPublishPacket) => void;

interface FilterEntry {
  filter: ParsedFilter;
  listeners: Set<TopicListener>;
  ready: Promise<void>;
}

/**
 * The short-lived subscriptions of the main connection (receive, receiveBinary, probes): one broker
 * subscription per filter however many listeners wait on it, removed when the last listener leaves.
 * Packets on one connection are processed in order, so an UNSUBSCRIBE followed by a new SUBSCRIBE of
 * the same filter leaves the filter subscribed.
 */
export class TopicListeners {
  readonly #connection: MqttConnection;
  readonly #log: SafeLogger;
  readonly #entries = new Map<string, FilterEntry>();

  constructor(connection: MqttConnection, log: SafeLogger) {
    this.#connection = connection;
    this.#log = log;
  }

  /** Adds a listener; resolves with its release function once the broker confirmed the subscription. */
  async listen(filter: ParsedFilter, qos: QoS, listener: TopicListener): Promise<() => void> {
    let entry = this.#entries.get(filter.raw);
    if (entry === undefined) {
      const created: FilterEntry = {
        filter,
        listeners: new Set(),
        ready: subscribe(this.#connection, filter.raw, qos),
      };
      this.#entries.set(filter.raw, created);
      created.ready.catch(() => {
        if (this.#entries.get(filter.raw) === created) this.#entries.delete(filter.raw);
      });
      entry = created;
    }
    entry.listeners.add(listener);
    const owner = entry;
    const release = () => {
      if (!owner.listeners.delete(listener) || owner.listeners.size > 0) return;
      if (this.#entries.get(filter.raw) === owner) this.#entries.delete(filter.raw);
      unsubscribe(this.#connection, filter.raw).catch((error: unknown) =>
        this.#log.debug("unsubscribe failed", { filter: filter.raw, error: String(error) }),
      );
    };
    try {
      await owner.ready;
    } catch (error) {
      owner.listeners.delete(listener);
      throw error;
    }
    return release;
  }

  /** Hands a message to every listener whose filter matches its topic; false when none did. */
  dispatch(topic: string, payload: Buffer, packet: IPublishPacket): boolean {
    let matched = false;
    for (const entry of this.#entries.values()) {
      if (!topicMatches(entry.filter.filter, topic)) continue;
      for (const listener of [...entry.listeners]) {
        matched = true;
        listener(topic, payload, packet);
      }
    }
    return matched;
  }
}

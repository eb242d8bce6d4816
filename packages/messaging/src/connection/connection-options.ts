import type tls from "node:tls";
import type { BackoffOptions } from "../internal/backoff.js";

/** MQTT protocol level: 5 (MQTT 5.0, the default) or 4 (MQTT 3.1.1, no properties). */
export type ProtocolLevel = 5 | 4;

/** Broker settings shared by every connection a client opens. */
export interface BrokerOptions {
  /** `mqtt://host:1883`, `mqtts://host:8883` (also `tcp:`, `ssl:`, `tls:`, `ws:`, `wss:`). */
  url: string;
  /** Default 5. With 4 (MQTT 3.1.1) no properties travel; the envelope carries everything anyway. */
  protocolVersion?: ProtocolLevel;
  username?: string;
  password?: string;
  /** TLS settings for `mqtts:` (ca, cert, key, rejectUnauthorized, servername, …). */
  tls?: tls.ConnectionOptions;
  /**
   * Seconds between keepalive pings (default 30). The broker drops a connection silent for 1.5× this.
   * Handlers never block the packet pipeline here, so keepalive does not limit handler run time.
   */
  keepaliveSeconds?: number;
  /** Per-attempt CONNACK timeout, ms (default 10,000). */
  connectAttemptTimeoutMs?: number;
  /** Reconnect delays (exponential with jitter; default 100 ms doubling up to 10 s). */
  reconnect?: BackoffOptions;
}

/** What one connection needs beyond the broker settings. */
export interface ConnectionSpec {
  clientId: string;
  /** Keep the session (subscriptions, unacknowledged messages) across disconnects. */
  persistentSession: boolean;
  /** MQTT 5 session expiry after a disconnect, seconds. */
  sessionExpirySeconds: number;
  /** MQTT 5 receive maximum: unacknowledged QoS 1/2 messages the broker may send at once. */
  receiveMaximum?: number;
  /** Short name for logs: `main`, `subscriber`. */
  role: string;
}

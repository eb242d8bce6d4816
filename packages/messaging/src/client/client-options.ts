import { randomBytes } from "node:crypto";
import { DEFAULT_MAX_PAYLOAD_BYTES, type QoS, ValidationError } from "@sfn/contracts";
import type { BrokerOptions } from "../connection/connection-options.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { consoleWarnLogger, type MessagingLogger } from "../internal/logger.js";

export interface MessagingClientOptions extends BrokerOptions {
  /**
   * Base MQTT client id. Give a stable one (e.g. the pod name) so a restarted process resumes its
   * persistent sessions and gets unacknowledged messages redelivered; random when absent.
   */
  clientId?: string;
  /** Prefix of the topics this client invents (its reply topic), e.g. a tenant's ACL root `t1/`. */
  topicPrefix?: string;
  /** Session expiry after a disconnect, seconds (default 3600 with a stable clientId, 60 otherwise). */
  sessionExpirySeconds?: number;
  /** How long createMessagingClient waits for the first connection, ms (default 30,000). */
  connectTimeoutMs?: number;
  /** Largest envelope sent or accepted, bytes (default 1 MiB). */
  maxPayloadBytes?: number;
  /**
   * Mirror envelope fields into MQTT 5 properties (response topic, correlation data, user properties,
   * content type, message expiry) for plain MQTT tools. Default false: measured to cost throughput (see
   * README), and the envelope alone is normative.
   */
  mirrorProperties?: boolean;
  /** QoS of send and of calls (default 1). */
  defaultQos?: QoS;
  /**
   * Whether the broker delivers `$share/` subscriptions: "auto" (default) trusts the MQTT 5 CONNACK and
   * probes once at MQTT 3.1.1, where brokers such as aedes accept but silently ignore them.
   */
  sharedSubscriptions?: "auto" | boolean;
  /** close(): how long to wait for in-flight sends, calls and handlers, ms (default 10,000). */
  drainTimeoutMs?: number;
  /** Largest binary transfer receiveBinary accepts unless told otherwise, bytes (default 64 MiB). */
  maxTransferBytes?: number;
  /** A binary transfer with no new chunk for this long is rejected as incomplete, ms (default 30,000). */
  transferIdleTimeoutMs?: number;
  /** Propagate W3C trace context when `@opentelemetry/api` is installed (default true). */
  tracing?: boolean;
  /** Default: warnings and errors to the console. */
  logger?: MessagingLogger;
}

export interface ResolvedClientOptions extends MessagingClientOptions {
  clientId: string;
  stableClientId: boolean;
  protocolVersion: 4 | 5;
  sessionExpirySeconds: number;
  connectTimeoutMs: number;
  maxPayloadBytes: number;
  mirrorProperties: boolean;
  defaultQos: QoS;
  sharedSubscriptions: "auto" | boolean;
  drainTimeoutMs: number;
  maxTransferBytes: number;
  transferIdleTimeoutMs: number;
  logger: MessagingLogger;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${name} must be a positive number, got ${value}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  return value;
}

export function resolveClientOptions(options: MessagingClientOptions): ResolvedClientOptions {
  if (options === undefined || typeof options.url !== "string") {
    throw new ValidationError("createMessagingClient needs options.url", {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  const stableClientId = typeof options.clientId === "string" && options.clientId.length > 0;
  const protocolVersion = options.protocolVersion ?? 5;
  if (protocolVersion !== 5 && protocolVersion !== 4) {
    throw new ValidationError(`protocolVersion must be 5 or 4, got ${protocolVersion}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  return {
    ...options,
    clientId: stableClientId ? options.clientId! : `sfn-${randomBytes(9).toString("base64url")}`,
    stableClientId,
    protocolVersion,
    sessionExpirySeconds: positive(
      "sessionExpirySeconds",
      options.sessionExpirySeconds,
      stableClientId ? 3600 : 60,
    ),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, 30_000),
    maxPayloadBytes: positive("maxPayloadBytes", options.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES),
    mirrorProperties: options.mirrorProperties ?? false,
    defaultQos: options.defaultQos ?? 1,
    sharedSubscriptions: options.sharedSubscriptions ?? "auto",
    drainTimeoutMs: positive("drainTimeoutMs", options.drainTimeoutMs, 10_000),
    maxTransferBytes: positive("maxTransferBytes", options.maxTransferBytes, 64 * 1024 * 1024),
    transferIdleTimeoutMs: positive("transferIdleTimeoutMs", options.transferIdleTimeoutMs, 30_000),
    logger: options.logger ?? consoleWarnLogger,
  };
}

import { EventEmitter } from "node:events";
import { SystemError } from "@sfn/contracts";
import type { IClientOptions, IConnackPacket, IPublishPacket, MqttClient } from "mqtt";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { Backoff } from "../internal/backoff.js";
import type { SafeLogger } from "../internal/logger.js";
import { parseBrokerUrl, redactBrokerUrl } from "./broker-address.js";
import type { BrokerOptions, ConnectionSpec } from "./connection-options.js";
import { createMqttClient } from "./create-mqtt-client.js";

/**
 * CONNACK refusals about the client's credentials: MQTT 3.1.1 return codes 4 (bad user name or password)
 * and 5 (not authorized), MQTT 5 reason codes 0x86, 0x87 and 0x8C (bad authentication method).
 */
const CREDENTIAL_REFUSALS = new Set([4, 5, 0x86, 0x87, 0x8c]);

/**
 * Receives every PUBLISH of a connection. `release` must be called to let mqtt.js parse the next packet;
 * for QoS 1 it must be called with `DEFER_ACK` (the PUBACK is then written by an AckSequencer) or without
 * arguments (mqtt.js acknowledges right away).
 */
export type PublishHandler = (packet: IPublishPacket, release: (error?: Error) => void) => void;

export interface ConnectionEvents {
  up: [{ sessionPresent: boolean }];
  down: [{ error?: Error }];
  reconnecting: [{ attempt: number; delayMs: number }];
}

/**
 * One MQTT connection: mqtt.js with TCP_NODELAY on every socket, the message handler attached before the
 * first CONNECT (so messages the broker queued for a persistent session are never emitted to nobody),
 * exponential reconnect backoff and typed state events.
 */
export class MqttConnection extends EventEmitter<ConnectionEvents> {
  readonly mqtt: MqttClient;
  readonly spec: ConnectionSpec;
  readonly #backoff: Backoff;
  readonly #log: SafeLogger;
  #everConnected = false;
  #connack: IConnackPacket | undefined;
  #abortStart: ((error: Error) => void) | undefined;

  constructor(broker: BrokerOptions, spec: ConnectionSpec, onPublish: PublishHandler, log: SafeLogger) {
    super();
    this.spec = spec;
    this.#log = log;
    this.#backoff = new Backoff(broker.reconnect);
    const version = broker.protocolVersion ?? 5;
    const options: IClientOptions = {
      manualConnect: true,
      protocolVersion: version,
      clientId: spec.clientId,
      clean: !spec.persistentSession,
      keepalive: broker.keepaliveSeconds ?? 30,
      connectTimeout: broker.connectAttemptTimeoutMs ?? 10_000,
      reconnectPeriod: this.#backoff.next(),
      reconnectOnConnackError: true,
      resubscribe: true,
      queueQoSZero: true,
    };
    // Explicit options win over credentials written into the URL (mqtt://user:secret@host).
    if (broker.username !== undefined) options.username = broker.username;
    if (broker.password !== undefined) options.password = broker.password;
    if (version === 5) {
      options.properties = {
        sessionExpiryInterval: spec.persistentSession ? spec.sessionExpirySeconds : 0,
        ...(spec.receiveMaximum === undefined ? {} : { receiveMaximum: spec.receiveMaximum }),
      };
    }
    if (parseBrokerUrl(broker.url).transport === "websocket") {
      log.info("WebSocket transport: TCP_NODELAY cannot be set by this client", {
        url: redactBrokerUrl(broker.url),
      });
    }
    this.mqtt = createMqttClient(broker.url, options, broker.tls);
    // Attached before connect(): the broker may send queued session messages right after CONNACK.
    this.mqtt.handleMessage = onPublish;
    this.#wireEvents();
  }

  get connected(): boolean {
    return this.mqtt.connected;
  }

  get protocolVersion(): 4 | 5 {
    return this.mqtt.options.protocolVersion === 5 ? 5 : 4;
  }

  /** Largest packet the broker accepts (MQTT 5 CONNACK), if it said. */
  get maximumPacketSize(): number | undefined {
    return this.#connack?.properties?.maximumPacketSize;
  }

  /** False only when the broker said (MQTT 5 CONNACK) that it has no shared subscriptions. */
  get sharedSubscriptionsAdvertised(): boolean {
    return this.#connack?.properties?.sharedSubscriptionAvailable !== false;
  }

  #wireEvents(): void {
    const id = this.spec.clientId;
    this.mqtt.on("connect", (connack) => {
      this.#everConnected = true;
      this.#connack = connack;
      this.#backoff.reset();
      this.mqtt.options.reconnectPeriod = this.#backoff.next();
      this.#log.debug("connected", {
        clientId: id,
        role: this.spec.role,
        sessionPresent: connack.sessionPresent,
      });
      this.emit("up", { sessionPresent: connack.sessionPresent === true });
    });
    this.mqtt.on("close", () => {
      if (this.#everConnected) this.emit("down", {});
    });
    this.mqtt.on("reconnect", () => {
      // mqtt.js schedules the attempt after this one with whatever reconnectPeriod holds when it fails.
      const delayMs = this.#backoff.next();
      this.mqtt.options.reconnectPeriod = delayMs;
      this.emit("reconnecting", { attempt: this.#backoff.attempt, delayMs });
    });
    this.mqtt.on("error", (error) => {
      this.#log.warn("connection error", { clientId: id, role: this.spec.role, error: error.message });
    });
  }

  /**
   * Connects and resolves on the first CONNACK. Rejects with SFN_BROKER_UNAVAILABLE when `timeoutMs`
   * passes, at once with SFN_BROKER_REJECTED when the broker refuses the credentials, or when end() is
   * called meanwhile.
   */
  start(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let lastError: Error | undefined;
      const onError = (error: Error) => {
        lastError = error;
        const reasonCode = (error as { code?: unknown }).code;
        if (typeof reasonCode !== "number" || !CREDENTIAL_REFUSALS.has(reasonCode)) return;
        // Wrong credentials do not fix themselves: fail the first connection now, not at the timeout.
        cleanup();
        this.mqtt.end(true);
        reject(
          new SystemError(`the broker refused the connection: ${error.message}`, {
            code: MessagingErrorCodes.brokerRejected,
            cause: error,
            retryable: false,
            details: { clientId: this.spec.clientId, reasonCode },
          }),
        );
      };
      const cleanup = () => {
        this.#abortStart = undefined;
        clearTimeout(timer);
        this.mqtt.off("error", onError);
        this.off("up", onUp);
      };
      const onUp = () => {
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        this.mqtt.end(true);
        const reasonCode = (lastError as { code?: unknown } | undefined)?.code;
        reject(
          new SystemError(
            `could not connect to the broker within ${timeoutMs} ms: ${lastError?.message ?? "no CONNACK"}`,
            {
              code: MessagingErrorCodes.brokerUnavailable,
              cause: lastError,
              details: { clientId: this.spec.clientId, ...(reasonCode === undefined ? {} : { reasonCode }) },
            },
          ),
        );
      }, timeoutMs);
      this.#abortStart = (error) => {
        cleanup();
        reject(error);
      };
      this.mqtt.on("error", onError);
      this.once("up", onUp);
      this.mqtt.connect();
    });
  }

  /** Disconnects; `endSession` asks an MQTT 5 broker to drop the session now (nobody will resume it). */
  async end(options: { endSession?: boolean; force?: boolean } = {}): Promise<void> {
    this.#abortStart?.(
      new SystemError("the connection was closed before it connected", {
        code: MessagingErrorCodes.clientClosed,
        retryable: false,
      }),
    );
    this.removeAllListeners();
    const disconnect =
      options.endSession && this.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {};
    await this.mqtt.endAsync(options.force ?? false, disconnect);
  }
}

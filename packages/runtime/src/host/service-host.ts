import type { Authenticator, Authorizer, Messaging, UserContext } from "@sfn/contracts";
import { DEFAULT_MAX_PAYLOAD_BYTES, ValidationError } from "@sfn/contracts";
import { type PostgresDataStoreFactory, processedCalls } from "@sfn/datastore";
import type { ServiceDefinition } from "../authoring/define-service.js";
import { ensureDeadLetterTable } from "../dlq/dead-letter-store.js";
import { jsonLogger, type RuntimeLogger } from "../observability/logger.js";
import { createMetrics, type RuntimeMetrics } from "../observability/metrics.js";
import { compileContract } from "../validation/contract-validators.js";
import { processMessage } from "./call-pipeline.js";
import { type CircuitBreakerPolicy, DEFAULT_CIRCUIT_BREAKER, databaseGuard } from "./database-guard.js";
import type { HostContext } from "./host-context.js";
import { mqttTransport } from "./mqtt-transport.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { TokenCache } from "./token-cache.js";
import type { HostTransport } from "./transport.js";

export interface ServiceHostOptions {
  service: ServiceDefinition;
  /** Broker URL (mqtt://host:port); required unless `transport` is given. */
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** A ready transport (tests, other clients); replaces the built-in mqtt.js one. */
  transport?: HostTransport;
  /** Calls handled at once by this replica; default 64. */
  concurrency?: number;
  /**
   * Connections in the shared-subscription group the calls are spread over; default min(2, concurrency);
   * always 1 on a plain subscription (MQTT 3.1.1 or `sharedSubscription: false`). Each connection runs
   * concurrency / connections handlers, its PUBACKs kept in arrival order by an ack sequencer.
   */
  connections?: number;
  /** Stable across restarts of this replica (client ids, P-QOS-5); default "0". */
  replicaId?: string;
  topicPrefix?: string;
  group?: string;
  /** Use `$share/…` (default true); false subscribes the plain topic: one replica only (P-TRN-3). */
  sharedSubscription?: boolean;
  /** MQTT protocol level of the built-in transport: 5 (default) or 4 (3.1.1: plain subscription, one connection). */
  mqttProtocolVersion?: 4 | 5;
  /** MQTT keep-alive in seconds; default 60 (must exceed the longest call, P-TRN-7). */
  keepaliveSeconds?: number;
  sessionExpirySeconds?: number;
  /** Validates tokens; required when any function is authenticated. */
  authenticator?: Authenticator;
  /**
   * How long the host reuses a validated JWT's UserContext (never past the token's expiry) before asking
   * the authenticator again; default 10,000 ms, 0 disables. Not used with an introspection-mode
   * authenticator or for opaque tokens.
   */
  tokenCacheTtlMs?: number;
  /** Database of the functions; enables the injected DataStore and exactly-once effects. */
  dataStores?: PostgresDataStoreFactory;
  authorizerFor?: (user: UserContext | undefined) => Authorizer;
  messagingFor?: (user: UserContext | undefined) => Messaging;
  config?: Record<string, unknown>;
  logger?: RuntimeLogger;
  maxPayloadBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** `retryLater` answers a call may get before it is dead-lettered; default 5. */
  retryLaterLimit?: number;
  /** The database's circuit breaker; default 5 consecutive connection failures, half-open after 2 s. */
  circuitBreaker?: Partial<CircuitBreakerPolicy>;
  /** Also keep dead letters in sfn_runtime.dead_letters (created on start); default true with a database. */
  deadLetterTable?: boolean;
  /** Function time limit when the contract gives none; default 30,000 ms. */
  defaultTimeoutMs?: number;
  /** De-duplicate non-idempotent functions by callId (default true; needs `dataStores`). */
  dedup?: boolean;
  /** Retention of processed-call records; default 24 h. */
  dedupTtlSeconds?: number;
  /** Purge expired records this often; default 10 min (0 disables). */
  purgeIntervalMs?: number;
  /** Validate results against the output schema (development mode); default false. */
  validateOutput?: boolean;
  /**
   * Mirror each reply envelope into MQTT 5 properties (callId as Correlation Data, headers as User
   * Properties, content type; P-PROP-2) for plain MQTT tools; default false, as in @sfn/messaging
   * (SFN_MIRROR_PROPERTIES). Receivers never need them (P-PROP-1), and mqtt.js's properties path costs
   * ~10 µs of CPU per reply (README benchmark).
   */
  mirrorProperties?: boolean;
  now?: () => number;
}

export type HostState = "created" | "starting" | "running" | "draining" | "stopped";

/** A running service: its calls, health and metrics. */
export interface ServiceHost {
  readonly state: HostState;
  readonly ready: boolean;
  readonly metrics: RuntimeMetrics;
  /** The database circuit: "closed" (healthy), "open" (failing fast), "half-open"; "none" without a database. */
  readonly databaseCircuit: string;
  start(): Promise<void>;
  /** Graceful stop (P-QOS-7): take no more calls, finish in-flight ones within `graceMs`, disconnect. */
  stop(options?: { graceMs?: number; leave?: boolean }): Promise<void>;
}

/**
 * Builds the host of one service. Contract schemas are compiled now, so a broken contract fails here
 * (ValidationError) rather than on the first call.
 */
export function createServiceHost(options: ServiceHostOptions): ServiceHost {
  const { service } = options;
  const needsToken = Object.values(service.contract.functions).some((f) => f.authenticated !== false);
  if (needsToken && !options.authenticator) {
    throw new ValidationError("an authenticator is required: the service has authenticated functions", {
      details: { setting: "authenticator" },
    });
  }
  const logger = (options.logger ?? jsonLogger()).child({ service: service.name });
  const metrics = createMetrics(service.name);
  const concurrency = options.concurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError("concurrency must be a positive integer", {
      details: { setting: "concurrency" },
    });
  }
  const plain = options.sharedSubscription === false || options.mqttProtocolVersion === 4;
  const connections = plain ? 1 : Math.min(concurrency, options.connections ?? 2);
  if (!Number.isInteger(connections) || connections < 1) {
    throw new ValidationError("connections must be a positive integer", {
      details: { setting: "connections" },
    });
  }
  const handlersPerConnection = Math.ceil(concurrency / connections);
  let transport: HostTransport;
  if (options.transport) transport = options.transport;
  else if (options.mqttUrl) {
    transport = mqttTransport({
      url: options.mqttUrl,
      serviceName: service.name,
      concurrency: connections,
      handlersPerConnection,
      replicaId: options.replicaId ?? "0",
      topicPrefix: options.topicPrefix,
      group: options.group,
      keepalive: options.keepaliveSeconds ?? 60,
      sessionExpirySeconds: options.sessionExpirySeconds ?? 3600,
      shared: options.sharedSubscription ?? true,
      protocolVersion: options.mqttProtocolVersion ?? 5,
      username: options.mqttUsername,
      password: options.mqttPassword,
      logger,
    });
  } else {
    throw new ValidationError("mqttUrl or transport is required", { details: { setting: "mqttUrl" } });
  }
  const host: HostContext = {
    service,
    validators: compileContract(service.contract),
    authenticator: options.authenticator,
    tokens: new TokenCache(options.authenticator, {
      ttlMs: options.tokenCacheTtlMs ?? 10_000,
      maxEntries: 1_000,
      now: options.now ?? Date.now,
    }),
    dataStores: options.dataStores,
    database: databaseGuard({ ...DEFAULT_CIRCUIT_BREAKER, ...options.circuitBreaker }, logger),
    deadLetterTable: false,
    authorizerFor: options.authorizerFor,
    messagingFor: options.messagingFor,
    config: options.config ?? {},
    logger,
    metrics,
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    topicPrefix: options.topicPrefix,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    retryLaterLimit: options.retryLaterLimit ?? 5,
    defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000,
    dedup: options.dedup ?? true,
    dedupTtlSeconds: options.dedupTtlSeconds ?? 86_400,
    validateOutput: options.validateOutput ?? false,
    mirrorProperties: options.mirrorProperties ?? false,
    now: options.now ?? Date.now,
  };
  if (host.dedup && !host.dataStores) {
    logger.warn({}, "no database configured: calls are not de-duplicated (development only)");
  }
  let state: HostState = "created";
  let purgeTimer: NodeJS.Timeout | undefined;
  const purge = async () => {
    const driver = host.dataStores?.driver;
    if (!driver) return;
    try {
      const n = await host.database.run(() => driver.transaction((tx) => processedCalls.purgeExpired(tx)));
      if (n > 0) logger.info({ purged: n }, "expired processed-call records purged");
    } catch (error) {
      logger.warn({ err: String(error) }, "purge of processed-call records failed");
    }
  };
  return {
    get state() {
      return state;
    },
    get ready() {
      return state === "running" && transport.connected;
    },
    metrics,
    get databaseCircuit() {
      return host.dataStores ? host.database.state : "none";
    },
    async start() {
      if (state !== "created") throw new ValidationError(`host is ${state}`);
      state = "starting";
      if (host.dataStores && options.deadLetterTable !== false) {
        try {
          await ensureDeadLetterTable(host.dataStores.driver);
          host.deadLetterTable = true;
        } catch (error) {
          logger.warn(
            { err: String((error as Error)?.message ?? error) },
            "dead-letter table unavailable: dead letters go to the dlq topic only",
          );
        }
      }
      await transport.start((message) => processMessage(host, message));
      const every = options.purgeIntervalMs ?? 600_000;
      if (host.dataStores && every > 0) {
        purgeTimer = setInterval(() => void purge(), every);
        purgeTimer.unref();
      }
      state = "running";
      logger.info(
        {
          concurrency,
          connections,
          functions: Object.keys(service.functions),
          // Since the process started (Node bootstrap included): what a deploy waits for.
          processUptimeMs: Math.round(performance.now()),
        },
        "service ready",
      );
    },
    async stop(stopOptions = {}) {
      if (state === "stopped" || state === "draining") return;
      state = "draining";
      clearInterval(purgeTimer);
      await transport.drain(stopOptions.graceMs ?? 10_000);
      await transport.close({ leave: stopOptions.leave });
      state = "stopped";
      logger.info({}, "service stopped");
    },
  };
}

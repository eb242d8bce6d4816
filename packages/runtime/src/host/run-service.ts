import { createAuthenticator } from "@sfn/authenticator";
import { ValidationError } from "@sfn/contracts";
import type { SqlDriver } from "@sfn/datastore";
import { createMessagingClient } from "@sfn/messaging";
import { pino } from "pino";
import type { ServiceDefinition } from "../authoring/define-service.js";
import { authenticatorOptionsFrom } from "../config/authenticator-options.js";
import { loadRuntimeConfig } from "../config/runtime-config.js";
import { type HealthServer, startHealthServer } from "../observability/health-server.js";
import type { RuntimeLogger } from "../observability/logger.js";
import { useUncachedPacketNumbers } from "./mqtt-packet-numbers.js";
import { openDatabase } from "./open-database.js";
import { createServiceHost, type ServiceHost, type ServiceHostOptions } from "./service-host.js";

export interface RunningService {
  host: ServiceHost;
  health: HealthServer | undefined;
  /** Graceful stop, as on SIGTERM. */
  shutdown(): Promise<void>;
}

/**
 * The process entrypoint: configuration from SFN_* variables, pino logs, the authenticator and
 * database, the host, `/healthz` `/readyz` `/metrics`, and a graceful stop on SIGTERM/SIGINT.
 */
export interface RunServiceOptions extends Partial<ServiceHostOptions> {
  /** Seeds an embedded (`pglite:`) database after its migrations, e.g. the grants of `sfn.config.json`'s `dev`. */
  prepareEmbeddedDatabase?: (driver: SqlDriver) => Promise<void>;
}

export async function runService(
  service: ServiceDefinition,
  options: RunServiceOptions = {},
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  const { prepareEmbeddedDatabase, ...overrides } = options;
  const config = loadRuntimeConfig(env);
  useUncachedPacketNumbers(); // before the first mqtt.js connection of the process (the functions' client)
  // The host adds `service` to its own lines (a child logger); here only the replica, so it is not twice.
  const logger = pino({ level: config.logLevel, base: { replica: config.replicaId } });
  const needsToken = Object.values(service.contract.functions).some((f) => f.authenticated !== false);
  if (needsToken && !config.oidcIssuer && !overrides.authenticator) {
    throw new ValidationError("missing setting SFN_OIDC_ISSUER", { details: { setting: "SFN_OIDC_ISSUER" } });
  }
  if (config.oidcIssuer && !config.oidcAudience && !overrides.authenticator) {
    throw new ValidationError("missing setting SFN_OIDC_AUDIENCE", {
      details: { setting: "SFN_OIDC_AUDIENCE" },
    });
  }
  // Independent of each other: connect all three at once (start-up time is deploy time). If one fails,
  // the others are closed again, so the process exits with the error instead of hanging on a socket.
  const authenticating =
    overrides.authenticator ??
    (config.oidcIssuer
      ? createAuthenticator(config.oidcIssuer, authenticatorOptionsFrom(config))
      : undefined);
  const opening =
    overrides.dataStores ??
    (config.databaseUrl
      ? openDatabase({
          url: config.databaseUrl,
          database: config.database,
          prepareEmbedded: prepareEmbeddedDatabase,
        })
      : undefined);
  // Functions' own messaging (nested calls, notifications): one @sfn/messaging client, bound per call.
  const connecting = overrides.messagingFor
    ? undefined
    : createMessagingClient({
        url: config.mqttUrl,
        username: config.mqttUsername,
        password: config.mqttPassword,
        clientId: `sfn-${service.name}-${config.replicaId}-out`,
        protocolVersion: config.mqttProtocolVersion,
        topicPrefix: config.topicPrefix,
        mirrorProperties: config.mirrorProperties,
      });
  let started: [Awaited<typeof authenticating>, Awaited<typeof opening>, Awaited<typeof connecting>];
  try {
    started = await Promise.all([authenticating, opening, connecting]);
  } catch (error) {
    await Promise.allSettled([
      overrides.dataStores ? undefined : Promise.resolve(opening).then((stores) => stores?.close()),
      Promise.resolve(connecting).then((client) => client?.close()),
    ]);
    throw error;
  }
  const [authenticator, dataStores, messagingClient] = started;
  const host = createServiceHost({
    service,
    mqttUrl: config.mqttUrl,
    mqttUsername: config.mqttUsername,
    mqttPassword: config.mqttPassword,
    mqttProtocolVersion: config.mqttProtocolVersion,
    concurrency: config.concurrency,
    connections: config.connections,
    replicaId: config.replicaId,
    topicPrefix: config.topicPrefix,
    authenticator,
    dataStores,
    logger: logger as unknown as RuntimeLogger,
    messagingFor: messagingClient
      ? (user) => messagingClient.createMessaging(user ?? { userId: "anonymous", roles: [], groups: [] })
      : undefined,
    dedup: config.dedup,
    dedupTtlSeconds: config.dedupTtlSeconds,
    defaultTimeoutMs: config.defaultTimeoutMs,
    validateOutput: config.validateOutput,
    mirrorProperties: config.mirrorProperties,
    ...overrides,
  });
  try {
    await host.start();
  } catch (error) {
    await Promise.allSettled([
      messagingClient?.close(),
      overrides.dataStores ? undefined : dataStores?.close(),
    ]);
    throw error;
  }
  const health = config.httpPort === undefined ? undefined : await startHealthServer(host, config.httpPort);
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      logger.info({ service: service.name }, "shutting down");
      await host.stop({ graceMs: config.shutdownGraceMs });
      await health?.close();
      await messagingClient?.close();
      if (!overrides.dataStores) await dataStores?.close();
    })();
    return stopping;
  };
  const onSignal = () => {
    void shutdown().then(() => process.exit(0));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return { host, health, shutdown };
}

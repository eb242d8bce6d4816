// The Node conformance service: conformance/contract.json on @sfn/runtime, launched as
// conformance/runtimes/node.json says: `node --import tsx conformance/service.ts <contract.json>`.
// Settings are the runtime's SFN_* variables (docs/runtime.md) plus SFN_CONFORMANCE_BREAK (README.md).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { createAuthenticator } from "@sfn/authenticator";
import { createAuthorizerFactory } from "@sfn/authorizer";
import { type ServiceContract, SfnError } from "@sfn/contracts";
import {
  ANONYMOUS_USER,
  authenticatorOptionsFrom,
  jsonLogger,
  loadRuntimeConfig,
  mqttTransport,
  openDatabase,
  type RunServiceOptions,
  type RuntimeConfig,
  runService,
} from "@sfn/runtime";
import { AttemptCounter } from "./attempt-counter.js";
import { ackBeforeProcessing, type BreakMode, readBreakMode } from "./break-switch.js";
import { conformanceService, SERVICE_NAME } from "./conformance-service.js";
import type { ConformanceSettings } from "./settings.js";

const DEFAULT_CONTRACT = fileURLToPath(new URL("../../../conformance/contract.json", import.meta.url));

async function main(): Promise<void> {
  const env = process.env;
  const config = loadRuntimeConfig(env);
  const breakMode = readBreakMode(env);
  const contract = JSON.parse(await readFile(process.argv[2] ?? DEFAULT_CONTRACT, "utf8")) as ServiceContract;
  const settings: ConformanceSettings = {
    topicPrefix: config.topicPrefix,
    database: config.database,
    attempts: new AttemptCounter(),
  };
  const options: RunServiceOptions = {};
  if (config.databaseUrl) {
    // Opened here rather than by runService so that the Authorizer shares the DataStore's pool.
    const dataStores = await openDatabase({ url: config.databaseUrl, database: config.database });
    const authorizers = createAuthorizerFactory({ driver: dataStores.driver });
    options.dataStores = dataStores;
    options.authorizerFor = (user) => authorizers.createAuthorizer(user ?? ANONYMOUS_USER);
    settings.authorizerForCall = (ctx) =>
      authorizers.createAuthorizer(ctx.user ?? ANONYMOUS_USER, { callId: ctx.callId });
  }
  const service = conformanceService(contract, settings);
  if (config.oidcIssuer && config.oidcAudience) {
    // Discovery in the background: the service becomes ready while the issuer is down and answers
    // `issuer_unavailable` until it is back (auth.token.issuer-unavailable).
    options.authenticator = await createAuthenticator(config.oidcIssuer, {
      ...authenticatorOptionsFrom(config),
      discovery: { background: true, attempts: 3 },
    });
  }
  Object.assign(options, broken(breakMode, config));
  await runService(service, options, env);
}

/** The host options that break one behaviour on purpose (break-switch.ts); none without the setting. */
function broken(mode: BreakMode | undefined, config: RuntimeConfig): Partial<RunServiceOptions> {
  if (mode === undefined) return {};
  const logger = jsonLogger(config.logLevel, { service: SERVICE_NAME, replica: config.replicaId });
  logger.warn({ setting: "SFN_CONFORMANCE_BREAK", mode }, "deliberately broken conformance service");
  if (mode === "no-dedup") return { dedup: false };
  return {
    transport: ackBeforeProcessing(
      mqttTransport({
        url: config.mqttUrl,
        serviceName: SERVICE_NAME,
        concurrency: config.concurrency,
        replicaId: config.replicaId,
        topicPrefix: config.topicPrefix,
        keepalive: 60,
        sessionExpirySeconds: 3600,
        shared: true,
        protocolVersion: config.mqttProtocolVersion,
        username: config.mqttUsername,
        password: config.mqttPassword,
        logger,
      }),
    ),
  };
}

main().catch((error: unknown) => {
  const setting = SfnError.isInstance(error) ? (error.details as { setting?: unknown })?.setting : undefined;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `conformance service failed to start: ${message}${setting ? ` (setting ${String(setting)})` : ""}\n`,
  );
  process.exit(1);
});

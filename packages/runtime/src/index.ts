// @sfn/runtime — the function host: authoring API, call pipeline (protocol.md §7), client (see README.md).

export type { CallContext, FunctionHandler } from "./authoring/call-context.js";
export {
  type FunctionOptions,
  fn,
  type ServiceDependencies,
  service,
  serviceFromClass,
} from "./authoring/decorators.js";
export {
  type AnyFunctionHandler,
  type DefineServiceInput,
  defineService,
  type ServiceDefinition,
} from "./authoring/define-service.js";
export {
  type Disposition,
  deadLetterNow,
  dropMessage,
  PoisonDisposition,
  retryLater,
} from "./authoring/poison.js";
export {
  type CallOptions,
  type ClientOptions,
  createClient,
  type ServiceClient,
} from "./client/create-client.js";
export { authenticatorOptionsFrom } from "./config/authenticator-options.js";
export { loadRuntimeConfig, type RuntimeConfig } from "./config/runtime-config.js";
export {
  ensureDeadLetterTable,
  getDeadLetter,
  listDeadLetters,
  markReplayed,
  type StoredDeadLetter,
} from "./dlq/dead-letter-store.js";
export { devGrantsSeeder, loadService } from "./entry/load-service.js";
export { pythonInterpreter } from "./entry/python-interpreter.js";
export {
  type LoadedServiceConfig,
  loadServiceConfig,
  type PythonEntry,
  SERVICE_CONFIG_FILE,
  SERVICE_LANGUAGES,
  type ServiceConfig,
  type ServiceLanguage,
} from "./entry/service-config.js";
export { type CircuitBreakerPolicy, DEFAULT_CIRCUIT_BREAKER } from "./host/database-guard.js";
export { ANONYMOUS_USER } from "./host/execute.js";
export { type MqttTransportOptions, mqttTransport } from "./host/mqtt-transport.js";
export { type OpenDatabaseOptions, openDatabase } from "./host/open-database.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./host/retry.js";
export { type RunningService, type RunServiceOptions, runService } from "./host/run-service.js";
export {
  createServiceHost,
  type HostState,
  type ServiceHost,
  type ServiceHostOptions,
} from "./host/service-host.js";
export type { HostTransport, InboundMessage } from "./host/transport.js";
export { type HealthServer, startHealthServer } from "./observability/health-server.js";
export { jsonLogger, type LogLevel, type RuntimeLogger, silentLogger } from "./observability/logger.js";
export type { RuntimeMetrics } from "./observability/metrics.js";
export { compileContract, type FunctionValidators } from "./validation/contract-validators.js";

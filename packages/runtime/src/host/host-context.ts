import type { Authenticator, Authorizer, Messaging, UserContext } from "@sfn/contracts";
import type { PostgresDataStoreFactory } from "@sfn/datastore";
import type { ServiceDefinition } from "../authoring/define-service.js";
import type { RuntimeLogger } from "../observability/logger.js";
import type { RuntimeMetrics } from "../observability/metrics.js";
import type { FunctionValidators } from "../validation/contract-validators.js";
import type { DatabaseGuard } from "./database-guard.js";
import type { RetryPolicy } from "./retry.js";
import type { TokenCache } from "./token-cache.js";

/** Everything the call pipeline needs, fixed at start-up. */
export interface HostContext {
  service: ServiceDefinition;
  validators: Map<string, FunctionValidators>;
  authenticator: Authenticator | undefined;
  /** Validated bearer tokens, in front of the authenticator. */
  tokens: TokenCache;
  dataStores: PostgresDataStoreFactory | undefined;
  /** The database's circuit breaker. */
  database: DatabaseGuard;
  /** Whether dead letters are also written to sfn_runtime.dead_letters (the table could be created). */
  deadLetterTable: boolean;
  authorizerFor: ((user: UserContext | undefined) => Authorizer) | undefined;
  messagingFor: ((user: UserContext | undefined) => Messaging) | undefined;
  config: Record<string, unknown>;
  logger: RuntimeLogger;
  metrics: RuntimeMetrics;
  maxPayloadBytes: number;
  topicPrefix: string | undefined;
  retry: RetryPolicy;
  /** Attempts a `retryLater` answer may add before the message is dead-lettered. */
  retryLaterLimit: number;
  defaultTimeoutMs: number;
  dedup: boolean;
  dedupTtlSeconds: number;
  validateOutput: boolean;
  /** Mirror reply envelopes into MQTT 5 properties (P-PROP-2). */
  mirrorProperties: boolean;
  now(): number;
}

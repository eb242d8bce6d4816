import type { Authorizer } from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";
import type { AttemptCounter } from "./attempt-counter.js";

/** What the Conformance functions need beyond their CallContext. */
export interface ConformanceSettings {
  /** SFN_TOPIC_PREFIX: notify/binary/nested topics are `{prefix}/…` (P-TOP-4). */
  topicPrefix: string | undefined;
  /** SFN_DATABASE: the logical database grants and checks are scoped to. */
  database: string;
  /** `fail` with `failAttempts`: attempts per callId. */
  attempts: AttemptCounter;
  /**
   * The caller's Authorizer correlated with the call (its audit rows carry the callId). The runtime's
   * `authorizerFor(user)` does not know the call, so the service binds it here; `ctx.authorizer` otherwise.
   */
  authorizerForCall?: (ctx: CallContext) => Authorizer;
}

/** `{prefix}/{topic}`, or the topic alone without a prefix. */
export function prefixed(settings: ConformanceSettings, topic: string): string {
  const prefix = settings.topicPrefix?.replace(/\/+$/, "");
  return prefix ? `${prefix}/${topic}` : topic;
}

/** The PostgreSQL Authorizer adds role grants to the contracts' interface. */
export interface RoleGrantingAuthorizer extends Authorizer {
  grantPermissionsToRole(
    role: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean>;
}

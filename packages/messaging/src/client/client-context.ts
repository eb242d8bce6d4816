import type { Envelope } from "@sfn/contracts";
import type { MqttConnection } from "../connection/mqtt-connection.js";
import type { HookRegistry } from "../hooks/hook-registry.js";
import type { SafeLogger } from "../internal/logger.js";
import type { TracePropagation } from "../tracing/trace-context.js";
import type { Activity } from "./activity.js";
import type { ResolvedClientOptions } from "./client-options.js";
import type { PendingCalls } from "./pending-calls.js";
import type { SharedSubscriptionSupport } from "./shared-subscription-support.js";
import type { TopicListeners } from "./topic-listeners.js";

/** What the operations of a client share: its main connection, hooks, pending calls and settings. */
export interface ClientContext {
  readonly options: ResolvedClientOptions;
  readonly log: SafeLogger;
  readonly hooks: HookRegistry;
  readonly trace: TracePropagation;
  /** Publishes, the reply topic and receive(); its packet pipeline is never blocked by user code. */
  readonly main: MqttConnection;
  readonly listeners: TopicListeners;
  readonly replyTopic: string;
  readonly calls: PendingCalls<Envelope>;
  readonly shared: SharedSubscriptionSupport;
  readonly activity: Activity;
  /** Aborted by close(): waits without an end of their own (receive) reject with SFN_CLIENT_CLOSED. */
  readonly closeSignal: AbortSignal;
  /** Subscriber connections open now, for close(). */
  readonly subscribers: Set<{ close(): Promise<void> }>;
  /** Occurrences of each derived subscriber client id, so two subscriptions never share one. */
  readonly subscriberIds: Map<string, number>;
}

import { EventEmitter } from "node:events";
import {
  type Envelope,
  type Hook,
  type HookType,
  type MessagingFactory,
  newSessionId,
  replyTopic,
  type UserContext,
} from "@sfn/contracts";
import type { IPublishPacket } from "mqtt";
import { subscribe } from "../connection/broker-operations.js";
import { MqttConnection } from "../connection/mqtt-connection.js";
import { HookRegistry } from "../hooks/hook-registry.js";
import { safeLogger } from "../internal/logger.js";
import { loadTracePropagation, noTracePropagation, type TracePropagation } from "../tracing/trace-context.js";
import { Activity, clientClosedError } from "./activity.js";
import { BoundMessaging } from "./bound-messaging.js";
import type { ClientContext } from "./client-context.js";
import {
  type MessagingClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from "./client-options.js";
import { PendingCalls } from "./pending-calls.js";
import { routeReply } from "./reply-router.js";
import { SharedSubscriptionSupport } from "./shared-subscription-support.js";
import { TopicListeners } from "./topic-listeners.js";

export type ClientState = "connecting" | "connected" | "reconnecting" | "closing" | "closed";

export interface MessagingClientEvents {
  /** Every state change, with the previous state. */
  state: [state: ClientState, previous: ClientState];
  connected: [info: { sessionPresent: boolean }];
  disconnected: [];
  reconnecting: [info: { attempt: number; delayMs: number }];
}

/**
 * Owns the broker connection(s) of one process or component and creates Messaging views bound to
 * callers (MessagingFactory). The main connection carries publishes, the session reply topic
 * `reply/{sessionId}` (subscribed once) and receive(); each subscribe() opens its own connection(s).
 */
export class MessagingClient extends EventEmitter<MessagingClientEvents> implements MessagingFactory {
  readonly #context: ClientContext;
  readonly #closeController = new AbortController();
  #state: ClientState = "connecting";
  #closing: Promise<void> | undefined;

  /** Use createMessagingClient(); the constructor does not connect. */
  constructor(options: ResolvedClientOptions, trace: TracePropagation) {
    super();
    const log = safeLogger(options.logger);
    const sessionId = newSessionId();
    const main = new MqttConnection(
      options,
      {
        clientId: options.clientId,
        persistentSession: options.protocolVersion === 5 || options.stableClientId,
        sessionExpirySeconds: options.sessionExpirySeconds,
        role: "main",
      },
      (packet, release) => this.#onPublish(packet, release),
      log,
    );
    const listeners = new TopicListeners(main, log);
    const prefix = options.topicPrefix ? `${options.topicPrefix.replace(/\/+$/, "")}/` : "";
    const activity = new Activity();
    this.#context = {
      options,
      log,
      hooks: new HookRegistry(log),
      trace,
      main,
      listeners,
      replyTopic: replyTopic(sessionId, { prefix }),
      calls: new PendingCalls<Envelope>(activity),
      shared: new SharedSubscriptionSupport(options.sharedSubscriptions, main, listeners, log, prefix),
      activity,
      closeSignal: this.#closeController.signal,
      subscribers: new Set(),
      subscriberIds: new Map(),
    };
    main.on("up", (info) => {
      this.#setState("connected");
      this.emit("connected", info);
    });
    main.on("down", () => {
      this.#setState("reconnecting");
      this.emit("disconnected");
    });
    main.on("reconnecting", (info) => this.emit("reconnecting", info));
  }

  get state(): ClientState {
    return this.#state;
  }

  get connected(): boolean {
    return this.#context.main.connected;
  }

  get clientId(): string {
    return this.#context.options.clientId;
  }

  /** The session reply topic every call of this client names in `replyTo`. */
  get replyTopic(): string {
    return this.#context.replyTopic;
  }

  /** 5, or 4 for MQTT 3.1.1. */
  get protocolVersion(): 4 | 5 {
    return this.#context.main.protocolVersion;
  }

  /** Calls waiting for their reply. */
  get pendingCalls(): number {
    return this.#context.calls.size;
  }

  /** Whether `$share/` subscriptions work on this broker (MQTT 5 CONNACK, or a probe at 3.1.1). */
  sharedSubscriptionsSupported(): Promise<boolean> {
    return this.#context.shared.supported();
  }

  /** @internal Connects the main connection and subscribes the reply topic. */
  async start(): Promise<void> {
    const { main, options, replyTopic: topic, log } = this.#context;
    await main.start(options.connectTimeoutMs);
    await subscribe(main, topic, 1);
    if (main.protocolVersion === 4)
      log.info("MQTT 3.1.1: no MQTT 5 properties; the envelope carries everything");
  }

  createMessaging(user: UserContext): BoundMessaging {
    return new BoundMessaging(this.#context, user);
  }

  /** Adds a client-wide hook (the same registry every view's addHook uses). */
  addHook(type: HookType, hook: Hook): () => void {
    return this.#context.hooks.add(type, hook);
  }

  #onPublish(packet: IPublishPacket, release: (error?: Error) => void): void {
    const context = this.#context;
    const payload = packet.payload as Buffer;
    try {
      if (packet.topic === context.replyTopic) routeReply(context, packet.topic, payload);
      else if (!context.listeners.dispatch(packet.topic, payload, packet)) {
        context.log.debug("message on the main connection nobody listens to", { topic: packet.topic });
      }
    } catch (error) {
      context.hooks.reportError(packet.topic, error);
    }
    release();
  }

  #setState(state: ClientState): void {
    if (
      this.#state === state ||
      this.#state === "closed" ||
      (this.#state === "closing" && state !== "closed")
    )
      return;
    const previous = this.#state;
    this.#state = state;
    this.emit("state", state, previous);
  }

  /**
   * Closes gracefully: subscriptions stop taking messages and finish running handlers; in-flight sends
   * and calls get `drainTimeoutMs` to complete; then what is left rejects with SFN_CLIENT_CLOSED and the
   * connections close. Subscriber sessions with a stable client id stay on the broker (a restart
   * resumes them); the main connection's session is ended (its reply topic dies with it).
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const context = this.#context;
    this.#setState("closing");
    await Promise.all([...context.subscribers].map((s) => s.close().catch(() => {})));
    context.subscribers.clear();
    const drained = await context.activity.drain(context.options.drainTimeoutMs);
    if (!drained)
      context.log.warn("close: in-flight operations did not finish in time", { pending: context.calls.size });
    this.#closeController.abort(clientClosedError());
    context.calls.rejectAll(clientClosedError);
    await context.main.end({ endSession: true, force: !context.main.connected }).catch(() => {});
    this.#setState("closed");
  }
}

/**
 * Creates a client and waits for its first connection (rejecting with SystemError
 * SFN_BROKER_UNAVAILABLE after `connectTimeoutMs`). Afterwards it reconnects by itself.
 */
export async function createMessagingClient(options: MessagingClientOptions): Promise<MessagingClient> {
  const resolved = resolveClientOptions(options);
  const trace = resolved.tracing === false ? noTracePropagation : await loadTracePropagation();
  const client = new MessagingClient(resolved, trace);
  try {
    await client.start();
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}

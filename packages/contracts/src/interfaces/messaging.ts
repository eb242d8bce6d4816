import type {
  CallBody,
  Envelope,
  Headers,
  HookType,
  UserContext,
} from "../generated/wire-types.generated.js";
import type { OperationOptions } from "./common.js";

export type QoS = 0 | 1 | 2;

export interface SendOptions extends OperationOptions {
  /** Extra headers; `authorization` is set from the bound UserContext. */
  headers?: Headers;
  /** Default 1. */
  qos?: QoS;
}

export interface SendAndWaitOptions extends OperationOptions {
  headers?: Headers;
  /** Reuse the callId of an earlier attempt to retry one logical call (the service de-duplicates it). */
  callId?: string;
}

export interface ReceiveOptions extends OperationOptions {
  /** Milliseconds to wait; waits until aborted when absent. */
  timeout?: number;
}

export interface SubscribeOptions {
  /** Default 1. */
  qos?: QoS;
}

export interface SendBinaryOptions extends SendOptions {
  /** Bytes per chunk, default 64 KiB. */
  chunkSize?: number;
}

export interface ReceiveBinaryOptions extends ReceiveOptions {
  /** Transfers announcing more bytes are rejected (default 64 MiB). */
  maxBytes?: number;
}

/** Metadata delivered with a subscribed message. */
export interface MessageContext {
  topic: string;
  /** True when the broker redelivers a message that was not acknowledged before. */
  redelivered: boolean;
}

/**
 * Handles one subscribed message. The QoS 1 acknowledgement is sent only after the returned promise
 * settles, so a crash mid-handler leads to redelivery.
 */
export type MessageHandler = (message: Envelope, context: MessageContext) => Promise<void> | void;

/** Event passed to hooks. `error` is set for on-error hooks. */
export interface HookEvent {
  type: HookType;
  topic: string;
  envelope?: Envelope;
  error?: unknown;
}

export type Hook = (event: HookEvent) => Promise<void> | void;

export interface Subscription {
  readonly topic: string;
  unsubscribe(options?: OperationOptions): Promise<void>;
}

/** Publish/subscribe and request/reply over MQTT, bound to one caller's identity. */
export interface Messaging {
  /** Publishes a one-way message; resolves once the broker accepted it (QoS ≥ 1). */
  send(topic: string, body: unknown, options?: SendOptions): Promise<void>;
  /**
   * Calls a function and resolves with the success reply envelope; an error reply rejects with the
   * matching typed error, and an elapsed `timeout` (ms) with a TimeoutError.
   */
  sendAndWait(
    topic: string,
    request: CallBody,
    timeout: number,
    options?: SendAndWaitOptions,
  ): Promise<Envelope>;
  /** Resolves with the next message published to a topic. */
  receive(topic: string, options?: ReceiveOptions): Promise<Envelope>;
  /** Delivers every message on a topic filter (wildcards and `$share/` groups allowed) to a handler. */
  subscribe(topic: string, onMessage: MessageHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Adds a hook and returns a function that removes it. A failing hook is reported, never fatal. */
  addHook(type: HookType, hook: Hook): () => void;
  /** Sends bytes in chunks; the receiver reassembles and verifies them. */
  sendBinary(topic: string, data: Uint8Array, options?: SendBinaryOptions): Promise<void>;
  /** Resolves with the next complete binary transfer on a topic. */
  receiveBinary(topic: string, options?: ReceiveBinaryOptions): Promise<Uint8Array>;
}

export interface MessagingFactory {
  /** A Messaging bound to `user`: its token travels in the authorization header of every envelope. */
  createMessaging(user: UserContext): Messaging;
}

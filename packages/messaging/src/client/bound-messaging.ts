import {
  bearerHeader,
  type CallBody,
  createErrorReply,
  createMessageEnvelope,
  createSuccessReply,
  DEFAULT_CHUNK_SIZE,
  type Envelope,
  ErrorCodes,
  type Headers,
  type Hook,
  type HookType,
  type MessageHandler,
  type Messaging,
  type ReceiveBinaryOptions,
  type ReceiveOptions,
  type SendAndWaitOptions,
  type SendBinaryOptions,
  type SendOptions,
  type Subscription,
  toErrorInfo,
  type UserContext,
  ValidationError,
} from "@sfn/contracts";
import { receiveBinaryTransfer } from "../binary/receive-binary.js";
import { sendBinaryTransfer } from "../binary/send-binary.js";
import { type MqttSubscribeOptions, openSubscription } from "../subscribe/subscribe.js";
import { call } from "./call.js";
import type { ClientContext } from "./client-context.js";
import { assertHeaders, assertQos, checkPublishTopic, sendEnvelope } from "./envelope-sender.js";
import { receiveEnvelope } from "./receive.js";

/** sendAndWait() options beyond the contract's. */
export interface MqttSendAndWaitOptions extends SendAndWaitOptions {
  /** QoS of the call's publish (default: the client's defaultQos). */
  qos?: 0 | 1 | 2;
}

/** receive()/receiveBinary() options beyond the contract's. */
export interface MqttReceiveOptions extends ReceiveOptions {
  /** Called once the broker confirmed the subscription; a message published after that is seen. */
  onSubscribed?: () => void;
}

export interface MqttReceiveBinaryOptions extends ReceiveBinaryOptions {
  onSubscribed?: () => void;
  /** No chunk for this long rejects the transfer as incomplete, ms (default: the client's setting). */
  idleTimeoutMs?: number;
}

/**
 * A Messaging bound to one caller: every envelope it sends carries `Bearer <user.token>` in the
 * authorization header. Cheap to create (one per request is fine); all views of a client share its
 * connections, its reply topic and its hooks.
 */
export class BoundMessaging implements Messaging {
  readonly #context: ClientContext;
  readonly #authorization: string | undefined;
  /** Why the authorization header is not a valid header value (null: it is); checked on first use. */
  #authorizationProblem: unknown;

  constructor(context: ClientContext, user: UserContext) {
    this.#context = context;
    this.#authorization = bearerHeader(user);
  }

  /** Calls carry only validated headers; the bearer header never changes, so it is checked once. */
  #assertAuthorization(): void {
    if (this.#authorizationProblem === undefined) {
      try {
        assertHeaders(this.#authorization === undefined ? undefined : { authorization: this.#authorization });
        this.#authorizationProblem = null;
      } catch (error) {
        this.#authorizationProblem = error;
      }
    }
    if (this.#authorizationProblem !== null) throw this.#authorizationProblem;
  }

  #headers(extra: Headers | undefined): Headers {
    assertHeaders(extra);
    const headers: Headers = { ...extra };
    if (this.#authorization !== undefined) headers.authorization = this.#authorization;
    return headers;
  }

  async send(topic: string, body: unknown, options: SendOptions = {}): Promise<void> {
    this.#context.activity.assertOpen();
    checkPublishTopic(topic);
    const qos = options.qos ?? this.#context.options.defaultQos;
    assertQos(qos);
    const envelope = createMessageEnvelope(body === undefined ? null : body, this.#headers(options.headers));
    await sendEnvelope(this.#context, topic, envelope, qos, options.signal);
  }

  sendAndWait(
    topic: string,
    request: CallBody,
    timeout: number,
    options: MqttSendAndWaitOptions = {},
  ): Promise<Envelope> {
    try {
      const qos = options.qos ?? this.#context.options.defaultQos;
      assertQos(qos);
      this.#assertAuthorization();
      return call(this.#context, topic, request, timeout, {
        headers: this.#headers(options.headers),
        qos,
        callId: options.callId,
        signal: options.signal,
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Answers a call (beyond the contract's Messaging): publishes a success reply with `result`, or the
   * error reply of `error` (an SfnError keeps its type and code; anything else becomes an opaque
   * SystemError SFN_INTERNAL), to the call's replyTo with its callId.
   */
  async reply(
    call: Envelope,
    outcome: { result: unknown } | { error: unknown },
    options: SendOptions = {},
  ): Promise<void> {
    this.#context.activity.assertOpen();
    if (call.callId === undefined || call.replyTo === undefined) {
      throw new ValidationError("only a call (with callId and replyTo) can be answered", {
        code: ErrorCodes.callInvalid,
      });
    }
    checkPublishTopic(call.replyTo);
    const headers = this.#headers(options.headers);
    const envelope =
      "error" in outcome
        ? createErrorReply(call.callId, toErrorInfo(outcome.error), headers)
        : createSuccessReply(call.callId, outcome.result, headers);
    await sendEnvelope(
      this.#context,
      call.replyTo,
      envelope,
      options.qos ?? this.#context.options.defaultQos,
      options.signal,
    );
  }

  async receive(topic: string, options: MqttReceiveOptions = {}): Promise<Envelope> {
    return receiveEnvelope(this.#context, topic, options);
  }

  subscribe(topic: string, onMessage: MessageHandler, options?: MqttSubscribeOptions): Promise<Subscription> {
    return openSubscription(this.#context, topic, onMessage, options);
  }

  /** Hooks are per client: a hook added here observes every view of the same client. */
  addHook(type: HookType, hook: Hook): () => void {
    return this.#context.hooks.add(type, hook);
  }

  async sendBinary(topic: string, data: Uint8Array, options: SendBinaryOptions = {}): Promise<void> {
    const qos = options.qos ?? this.#context.options.defaultQos;
    assertQos(qos);
    await sendBinaryTransfer(this.#context, topic, data, {
      headers: this.#headers(options.headers),
      qos,
      chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  }

  async receiveBinary(topic: string, options: MqttReceiveBinaryOptions = {}): Promise<Uint8Array> {
    const { maxTransferBytes, transferIdleTimeoutMs } = this.#context.options;
    return receiveBinaryTransfer(this.#context, topic, {
      ...options,
      maxBytes: options.maxBytes ?? maxTransferBytes,
      idleTimeoutMs: options.idleTimeoutMs ?? transferIdleTimeoutMs,
    });
  }
}

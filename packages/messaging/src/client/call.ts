import {
  abortError,
  type CallBody,
  createCallEnvelope,
  type Envelope,
  ErrorCodes,
  type Headers,
  type QoS,
  ValidationError,
  wireValidator,
} from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { ClientContext } from "./client-context.js";
import { beforeSend, checkPublishTopic, writeEnvelope } from "./envelope-sender.js";

export interface CallOptions {
  /** Already checked by the caller (assertHeaders): BoundMessaging validates them once per call. */
  headers: Headers;
  callId?: string;
  qos: QoS;
  signal?: AbortSignal;
}

const CALL_ID = /^[A-Za-z0-9_-]{16,128}$/;

function validateCall(request: CallBody, timeout: number, callId: string | undefined): void {
  const body = wireValidator().validate("CallBody", request);
  if (!body.valid) {
    throw new ValidationError("request is not a CallBody {function, parameters}", {
      code: ErrorCodes.callInvalid,
      details: { violations: body.violations },
    });
  }
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new ValidationError(`timeout must be a positive number of milliseconds, got ${timeout}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  if (callId !== undefined && !CALL_ID.test(callId)) {
    throw new ValidationError("callId must be 16–128 characters of [A-Za-z0-9_-]", {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
}

/** Publishes a registered call; any failure to publish settles the call with that error. */
function publishCall(
  context: ClientContext,
  topic: string,
  envelope: Envelope & { callId: string },
  qos: QoS,
): void {
  const callId = envelope.callId;
  try {
    writeEnvelope(context, topic, envelope, qos, (error) => {
      if (error !== undefined) context.calls.reject(callId, error);
    });
  } catch (error) {
    context.calls.reject(callId, error);
  }
}

/** Runs the before-send step, then publishes: synchronously when no hook returned a promise. */
function sendCall(
  context: ClientContext,
  topic: string,
  envelope: Envelope & { callId: string },
  qos: QoS,
): void {
  let hooks: Promise<void> | undefined;
  try {
    hooks = beforeSend(context, topic, envelope);
  } catch (error) {
    context.calls.reject(envelope.callId, error);
    return;
  }
  if (hooks === undefined) publishCall(context, topic, envelope, qos);
  else hooks.then(() => publishCall(context, topic, envelope, qos));
}

/**
 * Request/reply: registers the call under its callId, publishes it with the session reply topic and
 * resolves with the success reply (the reply router settles it; see reply-router.ts). The pending entry
 * counts as client activity (close() drains it) until its reply, timeout, abort or failed publish. With
 * no before-send hook registered the call is published synchronously, without a promise of its own.
 */
export function call(
  context: ClientContext,
  topic: string,
  request: CallBody,
  timeout: number,
  options: CallOptions,
): Promise<Envelope> {
  context.activity.assertOpen();
  checkPublishTopic(topic);
  validateCall(request, timeout, options.callId);
  const signal = options.signal;
  // An already aborted call is not published at all.
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const envelope = createCallEnvelope({
    function: request.function,
    parameters: request.parameters,
    replyTo: context.replyTopic,
    headers: options.headers,
    timeoutMs: timeout,
    callId: options.callId,
  });
  const reply = context.calls.register(envelope.callId, {
    topic,
    function: request.function,
    timeoutMs: timeout,
    signal,
  });
  sendCall(context, topic, envelope, options.qos);
  return reply;
}

import {
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
import { assertHeaders, checkPublishTopic, sendEnvelope } from "./envelope-sender.js";

export interface CallOptions {
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

/**
 * Request/reply: registers the call under its callId, publishes it with the session reply topic and
 * resolves with the success reply (the reply router settles it; see reply-router.ts).
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
  assertHeaders(options.headers);
  const envelope = createCallEnvelope({
    function: request.function,
    parameters: request.parameters,
    replyTo: context.replyTopic,
    headers: options.headers,
    timeoutMs: timeout,
    ...(options.callId === undefined ? {} : { callId: options.callId }),
  });
  const reply = context.calls.register(envelope.callId, {
    topic,
    function: request.function,
    timeoutMs: timeout,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  sendEnvelope(context, topic, envelope, options.qos).catch((error: unknown) =>
    context.calls.reject(envelope.callId, error),
  );
  return context.activity.track(reply);
}

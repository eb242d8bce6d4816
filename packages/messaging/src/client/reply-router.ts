import { asReplyBody, decodeEnvelope, type Envelope, errorFromInfo, ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { ClientContext } from "./client-context.js";

function settle(context: ClientContext, envelope: Envelope & { callId: string }, topic: string): void {
  let body: ReturnType<typeof asReplyBody>;
  try {
    body = asReplyBody(envelope);
  } catch (error) {
    // The responder answered with garbage: fail the call now rather than at its timeout.
    context.hooks.reportError(topic, error, envelope);
    context.calls.reject(envelope.callId, error);
    return;
  }
  if (body.status === "success") context.calls.resolve(envelope.callId, envelope);
  else context.calls.reject(envelope.callId, errorFromInfo(body.error!));
}

/**
 * Handles one message on the session reply topic. Anything that is not the reply to a waiting call —
 * bytes that do not decode, an envelope without callId, a callId nobody waits for (late, duplicate or
 * forged) — goes to the on-error hooks with its reason; nothing here throws.
 */
export function routeReply(context: ClientContext, topic: string, payload: Buffer): void {
  let envelope: Envelope;
  try {
    envelope = decodeEnvelope(payload, { maxBytes: context.options.maxPayloadBytes });
  } catch (error) {
    context.hooks.reportError(topic, error);
    return;
  }
  const callId = envelope.callId;
  if (callId === undefined) {
    const error = new ValidationError("message on the reply topic has no callId", {
      code: MessagingErrorCodes.replyMissingCallId,
    });
    context.hooks.reportError(topic, error, envelope);
    return;
  }
  if (!context.calls.has(callId)) {
    const error = new ValidationError("reply for a callId no call is waiting for", {
      code: MessagingErrorCodes.replyUnknownCall,
      details: { callId },
    });
    context.hooks.reportError(topic, error, envelope);
    return;
  }
  const reply = envelope as Envelope & { callId: string };
  if (!context.hooks.has("after-receive")) {
    settle(context, reply, topic);
    return;
  }
  const hooks = context.hooks.run({ type: "after-receive", topic, envelope });
  if (hooks === undefined) settle(context, reply, topic);
  else hooks.then(() => settle(context, reply, topic));
}

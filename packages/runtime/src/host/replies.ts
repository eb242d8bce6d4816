import { randomBytes } from "node:crypto";
import {
  assertPublishTopic,
  ENVELOPE_CONTENT_TYPE,
  type Envelope,
  encodeEnvelope,
  type Headers,
  mqttPropertiesFor,
  newMessageId,
  PROTOCOL_VERSION,
  type ReplyBody,
} from "@sfn/contracts";
import type { HostContext } from "./host-context.js";
import type { InboundMessage } from "./transport.js";

const CALL_ID = /^[A-Za-z0-9_-]{22,128}$/;
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

/** Where a reply can go (P-LIFE-2): a string replyTo that obeys P-TOP-5, else undefined (poison). */
export function replyTarget(replyTo: unknown): string | undefined {
  if (typeof replyTo !== "string" || replyTo.length === 0 || replyTo.length > 1024) return undefined;
  try {
    assertPublishTopic(replyTo);
    return replyTo;
  } catch {
    return undefined;
  }
}

/** The callId to echo: only one that matches the pattern (P-LIFE-2). */
export function echoCallId(callId: unknown): string | undefined {
  return typeof callId === "string" && CALL_ID.test(callId) ? callId : undefined;
}

/** Reply headers (P-HDR-4): content-type, and a traceparent of the same trace with a new parent-id. */
export function replyHeaders(callHeaders: unknown): Headers {
  const headers: Headers = { "content-type": ENVELOPE_CONTENT_TYPE };
  const traceparent = (callHeaders as { traceparent?: unknown } | undefined)?.traceparent;
  const match = typeof traceparent === "string" ? TRACEPARENT.exec(traceparent) : null;
  if (match) headers.traceparent = `${match[1]}-${match[2]}-${randomBytes(8).toString("hex")}-${match[3]}`;
  return headers;
}

/**
 * Publishes one reply envelope (new messageId, the call's callId, no replyTo). `bodyJson`, when given, is
 * the body's JSON text already serialised by the pipeline: the envelope is then assembled around it
 * (member order as `encodeEnvelope` writes it) instead of serialising the result a second time.
 */
export function publishReply(
  host: HostContext,
  publish: InboundMessage["publish"],
  topic: string,
  callId: string | undefined,
  body: ReplyBody,
  callHeaders: unknown,
  bodyJson?: string,
): void {
  const envelope: Envelope = {
    protocolVersion: PROTOCOL_VERSION,
    messageId: newMessageId(),
    ...(callId === undefined ? {} : { callId }),
    headers: replyHeaders(callHeaders),
    body,
  };
  const payload =
    bodyJson === undefined
      ? encodeEnvelope(envelope)
      : Buffer.from(
          `{"protocolVersion":${JSON.stringify(envelope.protocolVersion)},"messageId":${JSON.stringify(envelope.messageId)}${
            callId === undefined ? "" : `,"callId":${JSON.stringify(callId)}`
          },"headers":${JSON.stringify(envelope.headers)},"body":${bodyJson}}`,
          "utf8",
        );
  // P-PROP-2: mirroring is optional; a reply has no deadline, so unmirrored it carries no properties.
  publish(topic, payload, host.mirrorProperties ? mqttPropertiesFor(envelope, host.now()) : undefined);
}

import { randomBytes } from "node:crypto";
import type { Headers } from "@sfn/contracts";

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;

/**
 * The trace headers a nested call carries (P-HDR-3): a `traceparent` of the same trace with a new
 * parent-id, and the incoming `tracestate`. The deadline comes from the runtime's bounded Messaging,
 * the token from the caller's UserContext; other incoming headers are not propagated.
 */
export function nestedTraceHeaders(incoming: Readonly<Headers>): Headers {
  const headers: Headers = {};
  const match = typeof incoming.traceparent === "string" ? TRACEPARENT.exec(incoming.traceparent) : null;
  if (match) headers.traceparent = `${match[1]}-${match[2]}-${randomBytes(8).toString("hex")}-${match[3]}`;
  if (typeof incoming.tracestate === "string") headers.tracestate = incoming.tracestate;
  return headers;
}

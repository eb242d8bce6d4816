const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Log fields of a call's W3C trace context: `traceId` and the caller's `spanId`, when present. */
export function traceFields(headers: unknown): { traceId?: string; spanId?: string } {
  const value = (headers as { traceparent?: unknown } | undefined)?.traceparent;
  const match = typeof value === "string" ? TRACEPARENT.exec(value) : null;
  return match ? { traceId: match[1], spanId: match[2] } : {};
}

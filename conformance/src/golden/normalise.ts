import type { Frame } from "../exec/frames.js";
import type { Json, JsonObject } from "../model.js";

/** One wire frame as a golden file holds it: volatile values replaced by placeholders. */
export interface GoldenFrame {
  topic: string;
  qos: number;
  retain: boolean;
  properties?: JsonObject;
  payload: Json;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const REPLY_SESSION = /reply\/[A-Za-z0-9_-]{22,128}/g;
// A topic level of exactly 128 random bits (a callId or transferId the case put into a topic).
const RANDOM_LEVEL = /(?<=\/)[A-Za-z0-9_-]{22}(?=\/|$)/g;

/**
 * Members whose value differs from run to run or between languages without being drift: ids, clocks,
 * tokens, and message text (never compared, P-ERR-1); violations, whose order and extra entries are
 * free (P-LIFE-6, the cases check the ones that matter).
 */
const VOLATILE: Readonly<Record<string, string>> = {
  messageId: "$uuid",
  callId: "$callId",
  transferId: "$callId",
  authorization: "$string",
  deadline: "$string",
  traceparent: "$string",
  tracestate: "$string",
  message: "$string",
  violations: "$any",
  failedAt: "$timestamp",
  expiresAt: "$integer",
  sleptMs: "$integer",
  // the encoded size of a reply depends on its message text and the encoder's spacing
  size: "$integer",
  tokenId: "$string",
  jti: "$string",
  messageExpiryInterval: "$integer",
  correlationData: "$string",
};

/** Members left out of goldens: optional and timing-dependent (e.g. the limit a TimeoutError reports). */
const DROPPED = new Set(["limitMs"]);

export function relativeText(text: string, prefix: string): string {
  return text
    .split(`${prefix}/`)
    .join("{p}")
    .replace(REPLY_SESSION, "reply/{session}")
    .replace(RANDOM_LEVEL, "{id}");
}
const relative = relativeText;

function normaliseValue(value: Json, prefix: string, key?: string): Json {
  if (key !== undefined && Object.hasOwn(VOLATILE, key)) return VOLATILE[key] as string;
  if (typeof value === "string") {
    if (UUID.test(value)) return "$uuid";
    if (TIMESTAMP.test(value)) return "$timestamp";
    return relative(value, prefix);
  }
  if (Array.isArray(value)) return value.map((v) => normaliseValue(v, prefix));
  if (value !== null && typeof value === "object") {
    const out: JsonObject = {};
    for (const k of Object.keys(value).sort()) {
      if (DROPPED.has(k)) continue;
      const v = normaliseValue(value[k] as Json, prefix, k);
      // details holding only dropped members say nothing the protocol requires: leave them out too.
      if (
        k === "details" &&
        v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        Object.keys(v).length === 0
      )
        continue;
      out[k] = v;
    }
    return out;
  }
  return value;
}

/** A frame the runtime emitted, made comparable across runs and languages. */
export function normaliseFrame(frame: Frame, prefix: string, withProperties: boolean): GoldenFrame {
  const golden: GoldenFrame = {
    topic: relative(frame.topic, prefix),
    qos: frame.qos,
    retain: frame.retain,
    payload:
      frame.json !== undefined
        ? normaliseValue(frame.json, prefix)
        : { $binary: frame.properties.contentType === "application/vnd.sfn.chunk" ? "chunk" : "bytes" },
  };
  if (withProperties && Object.keys(frame.properties).length > 0) {
    golden.properties = normaliseValue(frame.properties, prefix) as JsonObject;
  }
  return golden;
}

/** Frames in a stable order: by topic, then by payload. */
export function sortFrames(frames: GoldenFrame[]): GoldenFrame[] {
  return [...frames].sort((a, b) => {
    const t = a.topic.localeCompare(b.topic);
    return t !== 0 ? t : JSON.stringify(a.payload).localeCompare(JSON.stringify(b.payload));
  });
}

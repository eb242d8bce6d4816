/** The string placeholders of expectations (README, "Matching"): each is a predicate on a present value. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// RFC 3339 date-time: full-date "T" full-time, with a time offset (Z or ±hh:mm).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const CALL_ID = /^[A-Za-z0-9_-]{22,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export const placeholders: Readonly<Record<string, (value: unknown) => boolean>> = {
  $any: () => true,
  $uuid: (v) => typeof v === "string" && UUID.test(v),
  $timestamp: (v) => typeof v === "string" && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)),
  $epochMs: (v) => typeof v === "number" && Number.isInteger(v) && v > 0,
  $callId: (v) => typeof v === "string" && CALL_ID.test(v),
  $sha256: (v) => typeof v === "string" && SHA256.test(v),
  $string: (v) => typeof v === "string",
  $number: (v) => typeof v === "number" && Number.isFinite(v),
  $integer: (v) => typeof v === "number" && Number.isInteger(v),
  $boolean: (v) => typeof v === "boolean",
};

/** `$absent` is not a predicate: it applies to a member, which must not be there. */
export const ABSENT = "$absent";

export function isPlaceholder(value: unknown): value is string {
  return typeof value === "string" && (value === ABSENT || Object.hasOwn(placeholders, value));
}

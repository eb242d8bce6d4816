import { ErrorCodes } from "../errors/error-codes.js";
import { ValidationError } from "../errors/error-types.js";
import type { SfnErrorOptions } from "../errors/sfn-error.js";
import { canonicalSchemas } from "../generated/schemas.generated.js";
import type { CallBody, Envelope, ErrorInfo, Headers, ReplyBody } from "../generated/wire-types.generated.js";
import { wireValidator } from "../validation/validator.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, ENVELOPE_CONTENT_TYPE, PROTOCOL_VERSION } from "./constants.js";
import { newCallId, newMessageId } from "./ids.js";

/** The only error decoding raises: a ValidationError whose code says what was wrong with the bytes. */
export class EnvelopeDecodeError extends ValidationError {}

export interface DecodeOptions {
  /** Larger payloads are rejected before parsing (default 1 MiB). */
  maxBytes?: number;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const [SUPPORTED_MAJOR, SUPPORTED_MINOR] = PROTOCOL_VERSION.split(".").map(Number) as [number, number];
const ENVELOPE_MEMBERS = new Set(Object.keys(canonicalSchemas.Envelope.properties));

function fail(message: string, options: SfnErrorOptions): never {
  throw new EnvelopeDecodeError(message, options);
}

/** Serialises an envelope to its wire form (UTF-8 JSON). */
export function encodeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), "utf8");
}

/**
 * Parses and validates the bytes of one MQTT payload. Never throws anything but EnvelopeDecodeError,
 * whatever the input.
 */
export function decodeEnvelope(payload: Uint8Array, options: DecodeOptions = {}): Envelope {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (payload.byteLength > maxBytes) {
    fail(`payload of ${payload.byteLength} bytes exceeds the limit of ${maxBytes}`, {
      code: ErrorCodes.payloadTooLarge,
      details: { size: payload.byteLength, limit: maxBytes },
    });
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    fail("payload is not valid UTF-8", { code: ErrorCodes.envelopeMalformed });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`payload is not valid JSON: ${(error as Error).message}`, { code: ErrorCodes.envelopeMalformed });
  }
  const result = wireValidator().validate("Envelope", forThisVersion(value));
  if (!result.valid) {
    fail("payload is not a valid envelope", {
      code: ErrorCodes.envelopeInvalid,
      details: { violations: result.violations },
    });
  }
  return result.value;
}

/**
 * The version check comes before schema validation (docs/protocol.md P-VER-2/3): an unknown major is
 * SFN_PROTOCOL_UNSUPPORTED rather than "invalid", and the members a newer minor added are dropped so that
 * minors can add optional members to an envelope whose schema forbids unknown ones.
 */
function forThisVersion(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const declared = (value as { protocolVersion?: unknown }).protocolVersion;
  // The common case, this very version, needs no parsing.
  if (declared === PROTOCOL_VERSION) return value;
  if (typeof declared !== "string" || !/^[0-9]+\.[0-9]+$/.test(declared)) return value;
  const [major, minor] = declared.split(".").map(Number) as [number, number];
  if (major !== SUPPORTED_MAJOR) {
    fail(`protocol version ${declared} is not supported (supported: ${PROTOCOL_VERSION})`, {
      code: ErrorCodes.protocolUnsupported,
      details: { protocolVersion: declared, supported: PROTOCOL_VERSION },
    });
  }
  if (minor <= SUPPORTED_MINOR) return value;
  return Object.fromEntries(Object.entries(value).filter(([member]) => ENVELOPE_MEMBERS.has(member)));
}

/** A call as a runtime sees it once the envelope has been checked. */
export interface CallEnvelope extends Envelope {
  callId: string;
  replyTo: string;
  body: CallBody;
}

/** Whether a decoded envelope is a well-formed call (callId, replyTo and a CallBody). */
export function isCallEnvelope(envelope: Envelope): envelope is CallEnvelope {
  return (
    envelope.callId !== undefined &&
    envelope.replyTo !== undefined &&
    wireValidator().is("CallBody", envelope.body)
  );
}

/** Narrows an envelope to a call, or explains with SFN_CALL_INVALID why it is not one. */
export function asCallEnvelope(envelope: Envelope): CallEnvelope {
  if (isCallEnvelope(envelope)) return envelope;
  const missing = [
    envelope.callId === undefined ? "callId" : undefined,
    envelope.replyTo === undefined ? "replyTo" : undefined,
  ].filter((field) => field !== undefined);
  const body = wireValidator().validate("CallBody", envelope.body);
  throw new ValidationError(
    missing.length > 0 ? `call lacks ${missing.join(" and ")}` : "call body is not {function, parameters}",
    {
      code: ErrorCodes.callInvalid,
      details: {
        missing,
        violations: body.valid ? [] : body.violations.map((v) => ({ ...v, path: `/body${v.path}` })),
      },
    },
  );
}

export interface CallEnvelopeInit {
  function: string;
  parameters: Record<string, unknown>;
  replyTo: string;
  /** Reuse to retry one logical call; a fresh nonce otherwise. */
  callId?: string;
  headers?: Headers;
  /**
   * Milliseconds the caller will wait; sets the `deadline` header to now + timeoutMs, or keeps a
   * `deadline` given in `headers` when that one is earlier (a nested call inherits its caller's).
   */
  timeoutMs?: number;
  now?: number;
}

/** Builds the envelope of a call. */
export function createCallEnvelope(init: CallEnvelopeInit): CallEnvelope {
  const headers: Headers = { "content-type": ENVELOPE_CONTENT_TYPE, ...init.headers };
  if (init.timeoutMs !== undefined) {
    // A deadline inherited from an enclosing call (P-TIME-6) wins when it is earlier than our own.
    const own = (init.now ?? Date.now()) + init.timeoutMs;
    const inherited = Number(init.headers?.deadline);
    headers.deadline = String(Number.isFinite(inherited) && inherited < own ? inherited : own);
  }
  return {
    protocolVersion: PROTOCOL_VERSION,
    messageId: newMessageId(),
    callId: init.callId ?? newCallId(),
    replyTo: init.replyTo,
    headers,
    body: { function: init.function, parameters: init.parameters },
  };
}

/** Builds a one-way message envelope. */
export function createMessageEnvelope(body: unknown, headers?: Headers): Envelope {
  return {
    protocolVersion: PROTOCOL_VERSION,
    messageId: newMessageId(),
    headers: { "content-type": ENVELOPE_CONTENT_TYPE, ...headers },
    body,
  };
}

function reply(callId: string, body: ReplyBody, headers?: Headers): Envelope {
  return {
    protocolVersion: PROTOCOL_VERSION,
    messageId: newMessageId(),
    callId,
    headers: { "content-type": ENVELOPE_CONTENT_TYPE, ...headers },
    body,
  };
}

/** The success reply to a call. `undefined` results travel as null. */
export function createSuccessReply(callId: string, result: unknown, headers?: Headers): Envelope {
  return reply(callId, { status: "success", result: result === undefined ? null : result }, headers);
}

/** The error reply to a call. */
export function createErrorReply(callId: string, error: ErrorInfo, headers?: Headers): Envelope {
  return reply(callId, { status: "error", error }, headers);
}

/** Checks that an envelope's body is a ReplyBody (SFN_ENVELOPE_INVALID otherwise). */
export function asReplyBody(envelope: Envelope): ReplyBody {
  const result = wireValidator().validate("ReplyBody", envelope.body);
  if (!result.valid) {
    throw new ValidationError("reply body is not a valid ReplyBody", {
      code: ErrorCodes.envelopeInvalid,
      details: { violations: result.violations },
    });
  }
  return result.value;
}

/** Milliseconds left before the call's deadline; undefined when it has none. */
export function remainingMs(headers: Headers, now: number = Date.now()): number | undefined {
  return headers.deadline === undefined ? undefined : Number(headers.deadline) - now;
}

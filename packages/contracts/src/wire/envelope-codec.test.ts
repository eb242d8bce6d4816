import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/error-types.js";
import type { Envelope } from "../generated/wire-types.generated.js";
import {
  asCallEnvelope,
  asReplyBody,
  createCallEnvelope,
  createErrorReply,
  createSuccessReply,
  decodeEnvelope,
  EnvelopeDecodeError,
  encodeEnvelope,
  remainingMs,
} from "./envelope-codec.js";

const jsonValue = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const headerName = fc
  .stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/)
  .filter((name) => !["traceparent", "deadline"].includes(name));
const envelopeArbitrary: fc.Arbitrary<Envelope> = fc.record(
  {
    protocolVersion: fc.constantFrom("1.0", "1.7"),
    messageId: fc.uuid(),
    callId: fc.stringMatching(/^[A-Za-z0-9_-]{22,64}$/),
    replyTo: fc.string({ minLength: 1, maxLength: 60 }),
    headers: fc.dictionary(headerName, fc.string({ maxLength: 40 }), { maxKeys: 5 }),
    body: jsonValue,
  },
  { requiredKeys: ["messageId", "headers", "body"] },
);

function decodeCode(payload: Uint8Array): string {
  try {
    decodeEnvelope(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeDecodeError);
    return (error as EnvelopeDecodeError).code;
  }
  return "decoded";
}

describe("envelope codec", () => {
  it("decode(encode(x)) equals x for any valid envelope", () => {
    fc.assert(
      fc.property(envelopeArbitrary, (envelope) => {
        expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws anything but EnvelopeDecodeError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeEnvelope(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EnvelopeDecodeError);
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws anything but EnvelopeDecodeError on arbitrary JSON", () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const code = decodeCode(Buffer.from(JSON.stringify(value)));
        expect(["decoded", "SFN_ENVELOPE_INVALID", "SFN_PROTOCOL_UNSUPPORTED"]).toContain(code);
      }),
    );
  });

  it("says precisely what is wrong", () => {
    expect(decodeCode(Buffer.from([0xff, 0xfe, 0x7b]))).toBe("SFN_ENVELOPE_MALFORMED");
    expect(decodeCode(Buffer.from("{not json"))).toBe("SFN_ENVELOPE_MALFORMED");
    expect(decodeCode(Buffer.from(JSON.stringify({ messageId: "x" })))).toBe("SFN_ENVELOPE_INVALID");
    const future = { messageId: crypto.randomUUID(), protocolVersion: "2.0", headers: {}, body: null };
    expect(decodeCode(Buffer.from(JSON.stringify(future)))).toBe("SFN_PROTOCOL_UNSUPPORTED");
    expect(() => decodeEnvelope(Buffer.alloc(2048), { maxBytes: 1024 })).toThrow(
      expect.objectContaining({ code: "SFN_PAYLOAD_TOO_LARGE", details: { size: 2048, limit: 1024 } }),
    );
  });

  it("accepts members added by a newer minor version and drops them", () => {
    const newer = {
      protocolVersion: "1.9",
      messageId: crypto.randomUUID(),
      headers: {},
      body: 1,
      priority: "high",
    };
    expect(decodeEnvelope(Buffer.from(JSON.stringify(newer)))).toEqual({ ...newer, priority: undefined });
    const current = { ...newer, protocolVersion: "1.0" };
    expect(decodeCode(Buffer.from(JSON.stringify(current)))).toBe("SFN_ENVELOPE_INVALID");
  });

  it("names the failing JSON pointers", () => {
    const payload = Buffer.from(
      JSON.stringify({ messageId: "not-a-uuid", headers: { Bad: "x" }, body: 1, extra: true }),
    );
    try {
      decodeEnvelope(payload);
      expect.unreachable();
    } catch (error) {
      const paths = (
        (error as EnvelopeDecodeError).details as { violations: { path: string }[] }
      ).violations.map((v) => v.path);
      expect(paths).toEqual(expect.arrayContaining(["/messageId", "/headers"]));
    }
  });

  it("keeps an inherited deadline header when it is earlier than the call's own (P-TIME-6)", () => {
    const base = { function: "f", parameters: {}, replyTo: "reply/abc", timeoutMs: 5000, now: 1_000 };
    expect(createCallEnvelope({ ...base, headers: { deadline: "4000" } }).headers.deadline).toBe("4000");
    expect(createCallEnvelope({ ...base, headers: { deadline: "9000" } }).headers.deadline).toBe("6000");
    expect(createCallEnvelope({ ...base, headers: { deadline: "soon" } }).headers.deadline).toBe("6000");
  });

  it("builds calls and replies that decode again", () => {
    const call = createCallEnvelope({
      function: "createUser",
      parameters: { email: "a@example.test" },
      replyTo: "reply/abc",
      headers: { authorization: "Bearer t" },
      timeoutMs: 5000,
      now: 1_000,
    });
    expect(call.callId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(call.headers.deadline).toBe("6000");
    expect(remainingMs(call.headers, 2_000)).toBe(4000);
    const decoded = asCallEnvelope(decodeEnvelope(encodeEnvelope(call)));
    expect(decoded.body.function).toBe("createUser");

    const ok = decodeEnvelope(encodeEnvelope(createSuccessReply(call.callId, undefined)));
    expect(asReplyBody(ok)).toEqual({ status: "success", result: null });
    const failed = createErrorReply(call.callId, {
      type: "NotFound",
      code: "USER_NOT_FOUND",
      message: "no user",
    });
    expect(asReplyBody(decodeEnvelope(encodeEnvelope(failed))).error?.type).toBe("NotFound");
  });

  it("rejects a call without callId or replyTo, and an inconsistent reply", () => {
    const oneWay = { messageId: crypto.randomUUID(), headers: {}, body: { function: "f", parameters: {} } };
    expect(() => asCallEnvelope(oneWay)).toThrow(expect.objectContaining({ code: "SFN_CALL_INVALID" }));
    const contradictory = { ...oneWay, body: { status: "error", result: 1 } };
    expect(() => asReplyBody(contradictory)).toThrow(
      expect.objectContaining({ code: "SFN_ENVELOPE_INVALID" }),
    );
  });
});

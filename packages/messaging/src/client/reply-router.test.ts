import {
  createCallEnvelope,
  createErrorReply,
  createSuccessReply,
  type Envelope,
  encodeEnvelope,
  NotFoundError,
  ValidationError,
} from "@sfn/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeContext, reportedCodes } from "../../test/support/fake-context.js";
import { routeReply } from "./reply-router.js";

function waitingCall(context: ReturnType<typeof fakeContext>): { callId: string; reply: Promise<Envelope> } {
  const call = createCallEnvelope({ function: "f", parameters: {}, replyTo: "reply/test" });
  const reply = context.calls.register(call.callId, { topic: "svc", function: "f", timeoutMs: 5_000 });
  return { callId: call.callId, reply };
}

describe("routeReply", () => {
  it("resolves a waiting call with its success reply and rejects with the typed error of an error reply", async () => {
    const context = fakeContext();
    const ok = waitingCall(context);
    routeReply(context, "reply/test", encodeEnvelope(createSuccessReply(ok.callId, { id: 7 })));
    expect((await ok.reply).body).toEqual({ status: "success", result: { id: 7 } });
    const failed = waitingCall(context);
    const info = {
      type: "NotFound" as const,
      code: "USER_NOT_FOUND",
      message: "no user",
      details: { id: 7 },
    };
    routeReply(context, "reply/test", encodeEnvelope(createErrorReply(failed.callId, info)));
    await expect(failed.reply).rejects.toBeInstanceOf(NotFoundError);
    await expect(failed.reply).rejects.toMatchObject({ code: "USER_NOT_FOUND", details: { id: 7 } });
    expect(context.calls.size).toBe(0);
    expect(context.errors).toEqual([]);
  });

  it("reports every kind of bad input with its reason and keeps the waiting call alive", async () => {
    const context = fakeContext({
      options: { ...fakeContext().options, maxPayloadBytes: 4096 },
    });
    const pending = waitingCall(context);
    const noCallId = { messageId: crypto.randomUUID(), headers: {}, body: { status: "success", result: 1 } };
    const inputs: Buffer[] = [
      Buffer.from("{not json"),
      Buffer.from([0xc3, 0x28, 0x7b, 0x7d]),
      Buffer.from(JSON.stringify({ messageId: "x", headers: {}, body: 1 })),
      Buffer.from(JSON.stringify(noCallId)),
      encodeEnvelope(createSuccessReply("AAAAAAAAAAAAAAAAAAAAAA", 1)),
      Buffer.alloc(5000, 0x20),
    ];
    for (const input of inputs) routeReply(context, "reply/test", input);
    expect(reportedCodes(context)).toEqual([
      "SFN_ENVELOPE_MALFORMED",
      "SFN_ENVELOPE_MALFORMED",
      "SFN_ENVELOPE_INVALID",
      "SFN_REPLY_MISSING_CALL_ID",
      "SFN_REPLY_UNKNOWN_CALL",
      "SFN_PAYLOAD_TOO_LARGE",
    ]);
    expect(context.calls.has(pending.callId)).toBe(true);
    routeReply(context, "reply/test", encodeEnvelope(createSuccessReply(pending.callId, "late but fine")));
    await expect(pending.reply).resolves.toMatchObject({ callId: pending.callId });
  });

  it("fails a call whose reply body is not a ReplyBody instead of waiting for its timeout", async () => {
    const context = fakeContext();
    const pending = waitingCall(context);
    const bogus = {
      messageId: crypto.randomUUID(),
      callId: pending.callId,
      headers: {},
      body: { status: "maybe" },
    };
    routeReply(context, "reply/test", Buffer.from(JSON.stringify(bogus)));
    await expect(pending.reply).rejects.toBeInstanceOf(ValidationError);
    expect(reportedCodes(context)).toEqual(["SFN_ENVELOPE_INVALID"]);
  });

  it("never throws, whatever bytes arrive, and reports each with a typed error", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.jsonValue().map((v) => new Uint8Array(Buffer.from(JSON.stringify(v) ?? "null"))),
        ),
        (bytes) => {
          const context = fakeContext();
          expect(() => routeReply(context, "reply/test", Buffer.from(bytes))).not.toThrow();
          expect(context.errors).toHaveLength(1);
          expect(context.errors[0]!.error).toBeInstanceOf(ValidationError);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

import { type DeadLetter, type Envelope, newCallId } from "@sfn/contracts";
import { mintToken } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, type Harness, resultOf, startHarness } from "./support/harness.js";

// The host on the real fixture: Mosquitto, PostgreSQL (a database of our own) and the OIDC issuer.

let h: Harness;
let alice: string;
let mallory: string;
const deadLetters: Envelope[] = [];
const notes = (text: string) =>
  h.db.count("SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' = $1", [
    text,
  ]);

beforeAll(async () => {
  alice = await mintToken("alice");
  mallory = await mintToken("mallory");
  h = await startHarness(() => alice);
  await h.caller.subscribe(`${h.prefix}/dlq/${h.name}`, (e) => deadLetters.push(e));
});
afterAll(async () => {
  await h?.close();
});

describe("success path", () => {
  it("runs the function as the caller, commits its write and replies with the same callId", async () => {
    const reply = await h.call("addNote", { text: "first" });
    expect(reply.body).toMatchObject({ status: "success", result: { id: expect.any(String) } });
    expect(await notes("first")).toBe(1);
    const [row] = await h.db.driver.query<{ owner: string }>(
      "SELECT owner FROM sfn.documents WHERE data->>'text' = 'first'",
    );
    expect(row?.owner).toBeTruthy();
  });

  it("serves authenticated: false functions without a token", async () => {
    expect(resultOf(await h.call("ping", {}, { token: null }))).toBe("pong");
  });
});

describe("every error type on the wire", () => {
  it.each([
    ["ValidationError", "SFN_PARAMETERS_INVALID", () => h.call("addNote", { text: "", extra: 1 })],
    ["Unauthorized", "SFN_UNAUTHENTICATED", () => h.call("addNote", { text: "x" }, { token: null })],
    ["Unauthorized", "SFN_UNAUTHENTICATED", () => h.call("addNote", { text: "x" }, { token: `${alice}x` })],
    ["NotFound", "SFN_FUNCTION_NOT_FOUND", () => h.call("nope", {})],
    ["TimeoutError", "SFN_TIMEOUT", () => h.call("slow", {})],
    ["TimeoutError", "SFN_DEADLINE_EXPIRED", () => h.call("addNote", { text: "x" }, { timeoutMs: -1 })],
    ["BusinessLogicError", "NOTE_RULE", () => h.call("raise", { kind: "business" })],
    ["Conflict", "NOTE_EXISTS", () => h.call("raise", { kind: "conflict" })],
    ["Forbidden", "SFN_FORBIDDEN", () => h.call("addNote", { text: "mallory" }, { token: mallory })],
    ["SystemError", "SFN_INTERNAL", () => h.call("raise", { kind: "internal" })],
    ["SystemError", "DOWNSTREAM", () => h.call("raise", { kind: "system" })],
  ])("%s / %s", async (type, code, send) => {
    const reply = await send();
    expect(reply.body).toMatchObject({ status: "error", error: { type, code } });
  });

  it("never leaks internals and dead-letters final SystemErrors without the token", async () => {
    const reply = await h.call("raise", { kind: "internal" });
    expect(errorOf(reply)).toEqual({ type: "SystemError", code: "SFN_INTERNAL", message: "internal error" });
    await expect
      .poll(() => deadLetters.find((d) => (d.body as DeadLetter).envelope.callId === reply.callId))
      .toBeTruthy();
    const letter = deadLetters.find((d) => (d.body as DeadLetter).envelope.callId === reply.callId)!;
    expect(letter.body).toMatchObject({
      service: h.name,
      function: "raise",
      attempts: 3,
      error: errorOf(reply),
    });
    expect(JSON.stringify(letter)).not.toContain(alice);
    expect(await notes("mallory")).toBe(0);
  });
});

describe("bad input never stops the host", () => {
  it("drops poison, answers what it can, and keeps serving", async () => {
    const good = h.envelope("echo", { text: "x" });
    await h.caller.publish(h.serviceTopic, "{not json");
    await h.caller.publish(h.serviceTopic, Buffer.from([0xc3, 0x28]));
    await h.caller.publish(h.serviceTopic, JSON.stringify({ ...good, replyTo: undefined }));
    await h.caller.publish(h.serviceTopic, JSON.stringify([1, 2, 3]));
    const invalid = { ...h.envelope("echo", { text: "x" }), bogus: true };
    await h.caller.publish(h.serviceTopic, JSON.stringify(invalid));
    const v2 = { ...h.envelope("echo", { text: "x" }), protocolVersion: "2.0" };
    await h.caller.publish(h.serviceTopic, JSON.stringify(v2));
    const badBody = { ...h.envelope("echo", { text: "x" }), body: { nope: 1 } };
    await h.caller.publish(h.serviceTopic, JSON.stringify(badBody));
    expect(errorOf(await h.caller.waitFor(invalid.callId!))).toMatchObject({ code: "SFN_ENVELOPE_INVALID" });
    expect(errorOf(await h.caller.waitFor(v2.callId!))).toMatchObject({ code: "SFN_PROTOCOL_UNSUPPORTED" });
    expect(errorOf(await h.caller.waitFor(badBody.callId!))).toMatchObject({ code: "SFN_CALL_INVALID" });
    await h.caller.publish(h.serviceTopic, JSON.stringify(good));
    expect(resultOf(await h.caller.waitFor(good.callId!))).toEqual({ text: "x" });
    expect(h.caller.replies.get(good.callId!)).toHaveLength(1);
  });
});

describe("exactly-once effects", () => {
  it("answers a sequential duplicate from the stored reply without running it again", async () => {
    const callId = newCallId();
    const first = await h.call("addNote", { text: "dup-seq" }, { callId });
    const second = await h.call("addNote", { text: "dup-seq" }, { callId }).catch(() => undefined);
    // Both replies arrive on the same reply topic with the same callId.
    await expect.poll(() => h.caller.replies.get(callId)?.length).toBe(2);
    const [a, b] = h.caller.replies.get(callId)!;
    expect(b!.body).toEqual(a!.body);
    expect(b!.messageId).not.toBe(a!.messageId);
    expect(resultOf(first)).toEqual(resultOf(second ?? first));
    expect(await notes("dup-seq")).toBe(1);
  });

  it("serialises concurrent duplicates: one insert, identical replies", async () => {
    const callId = newCallId();
    const env = h.envelope("slowAdd", { text: "dup-concurrent", ms: 100 }, { callId });
    await Promise.all(Array.from({ length: 5 }, () => h.caller.publish(h.serviceTopic, JSON.stringify(env))));
    await expect.poll(() => h.caller.replies.get(callId)?.length, { timeout: 10_000 }).toBe(5);
    // Stored replies come back from jsonb, so compare structurally (member order may differ).
    const [first, ...rest] = h.caller.replies.get(callId)!.map((r) => r.body);
    for (const body of rest) expect(body).toEqual(first);
    expect(await notes("dup-concurrent")).toBe(1);
  });

  it("rolls back a timed-out function, even one that ignores its signal and writes late", async () => {
    const reply = await h.call("lateWrite", { text: "late-write", ms: 300 });
    expect(errorOf(reply)).toMatchObject({ type: "TimeoutError", code: "SFN_TIMEOUT" });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await notes("late-write")).toBe(0);
  });

  it("records no error outcome: a retry after an error executes again", async () => {
    const callId = newCallId();
    const first = await h.call("raise", { kind: "business" }, { callId });
    expect(errorOf(first)?.code).toBe("NOTE_RULE");
    const count = await h.db.count("SELECT count(*) AS n FROM sfn.processed_calls WHERE call_id = $1", [
      callId,
    ]);
    expect(count).toBe(0);
  });
});

describe("load", () => {
  it("answers 1,000 concurrent calls exactly once each", async () => {
    const envelopes = Array.from({ length: 1000 }, (_, i) =>
      h.envelope("addNote", { text: `load-${i % 10}` }),
    );
    const waits = envelopes.map((e) => h.caller.waitFor(e.callId!, 60_000));
    await Promise.all(envelopes.map((e) => h.caller.publish(h.serviceTopic, JSON.stringify(e))));
    const replies = await Promise.all(waits);
    expect(replies.every((r) => (r.body as { status: string }).status === "success")).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(envelopes.every((e) => h.caller.replies.get(e.callId!)?.length === 1)).toBe(true);
    const inserted = await h.db.count(
      "SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' LIKE 'load-%'",
    );
    expect(inserted).toBe(1000);
  });
});

describe("health and metrics", () => {
  it("counts calls, errors, dedup hits and dead letters", async () => {
    const text = await h.host.metrics.registry.metrics();
    expect(text).toContain("sfn_calls_total");
    expect(text).toMatch(/sfn_dedup_hits_total\{[^}]*\} [1-9]/);
    expect(text).toMatch(/sfn_dead_letters_total\{[^}]*\} [1-9]/);
    expect(h.host.ready).toBe(true);
  });
});

import {
  createSuccessReply,
  encodeEnvelope,
  type HookEvent,
  NotFoundError,
  SystemError,
  TimeoutError,
  ValidationError,
} from "@sfn/contracts";
import { mintToken } from "@sfn/testkit";
import { describe, expect, it } from "vitest";
import { alice, openClient, openRawClient, sleep, uniqueTopicRoot } from "./support/broker.js";
import { startResponder } from "./support/responder.js";

describe("request/reply on the real broker", () => {
  it("completes 1,000 concurrent calls, each matched to its own reply", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    const responder = await startResponder(topic);
    const client = await openClient();
    const messaging = client.createMessaging(alice);
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, x) =>
        messaging.sendAndWait(topic, { function: "double", parameters: { x } }, 30_000),
      ),
    );
    expect(replies.map((r) => (r.body as { result: { value: number } }).result.value)).toEqual(
      Array.from({ length: 1000 }, (_, x) => 2 * x),
    );
    expect(new Set(responder.received.map((call) => call.callId)).size).toBe(1000);
    expect(new Set(responder.received.map((call) => call.replyTo))).toEqual(new Set([client.replyTopic]));
    expect(client.pendingCalls).toBe(0);
  });

  it("carries the bound user's bearer token and a deadline in every call", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    const responder = await startResponder(topic);
    const client = await openClient();
    const token = await mintToken("alice");
    const messaging = client.createMessaging({ ...alice, token });
    const before = Date.now();
    await messaging.sendAndWait(topic, { function: "double", parameters: { x: 1 } }, 5_000, {
      headers: { "x-request-source": "test", authorization: "Bearer forged" },
    });
    const call = responder.received[0]!;
    expect(call.headers.authorization).toBe(`Bearer ${token}`);
    expect(call.headers["x-request-source"]).toBe("test");
    expect(Number(call.headers.deadline)).toBeGreaterThanOrEqual(before + 5_000);
    expect(call.callId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("turns an error reply into the typed error with the remote code and details", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    await startResponder(topic);
    const messaging = (await openClient()).createMessaging(alice);
    const call = messaging.sendAndWait(topic, { function: "fail", parameters: { id: 7 } }, 5_000);
    await expect(call).rejects.toBeInstanceOf(NotFoundError);
    await expect(call).rejects.toMatchObject({ code: "THING_NOT_FOUND", details: { id: 7 } });
  });

  it("times out with SFN_REPLY_TIMEOUT, frees the entry, and reports the late reply", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    await startResponder(topic);
    const client = await openClient();
    const errors: HookEvent[] = [];
    client.addHook("on-error", (event) => {
      errors.push(event);
    });
    const messaging = client.createMessaging(alice);
    const call = messaging.sendAndWait(topic, { function: "slow", parameters: { ms: 400 } }, 150);
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
    await expect(call).rejects.toMatchObject({ code: "SFN_REPLY_TIMEOUT" });
    expect(client.pendingCalls).toBe(0);
    await expect.poll(() => errors.length, { timeout: 3_000 }).toBe(1);
    expect(errors[0]!.error).toMatchObject({ code: "SFN_REPLY_UNKNOWN_CALL" });
  });

  it("cancels through an AbortSignal, before and while waiting", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    await startResponder(topic);
    const client = await openClient();
    const messaging = client.createMessaging(alice);
    const controller = new AbortController();
    const call = messaging.sendAndWait(topic, { function: "silent", parameters: {} }, 10_000, {
      signal: controller.signal,
    });
    await sleep(50);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: "SFN_ABORTED" });
    await expect(call).rejects.toBeInstanceOf(SystemError);
    expect(client.pendingCalls).toBe(0);
    const reason = new TimeoutError("caller budget", { code: "APP_BUDGET" });
    const already = messaging.sendAndWait(topic, { function: "double", parameters: {} }, 10_000, {
      signal: AbortSignal.abort(reason),
    });
    await expect(already).rejects.toBe(reason);
  });

  it("retries one logical call with the same callId", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    const responder = await startResponder(topic);
    const messaging = (await openClient()).createMessaging(alice);
    const callId = "retry-call-id-0000000001";
    await expect(
      messaging.sendAndWait(topic, { function: "silent", parameters: {} }, 100, { callId }),
    ).rejects.toBeInstanceOf(TimeoutError);
    await messaging.sendAndWait(topic, { function: "double", parameters: { x: 2 } }, 5_000, { callId });
    expect(responder.received.map((call) => call.callId)).toEqual([callId, callId]);
    expect(new Set(responder.received.map((call) => call.messageId)).size).toBe(2);
  });

  it("refuses bad calls with ValidationErrors before publishing", async () => {
    const messaging = (await openClient({ maxPayloadBytes: 2048 })).createMessaging(alice);
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    const cases: [Promise<unknown>, string][] = [
      [messaging.sendAndWait("a/+", { function: "f", parameters: {} }, 100), "SFN_TOPIC_INVALID"],
      [messaging.sendAndWait(topic, { function: "1bad", parameters: {} }, 100), "SFN_CALL_INVALID"],
      [messaging.sendAndWait(topic, { function: "f", parameters: {} }, -1), "SFN_INVALID_ARGUMENT"],
      [
        messaging.sendAndWait(topic, { function: "f", parameters: { big: "x".repeat(4096) } }, 100),
        "SFN_PAYLOAD_TOO_LARGE",
      ],
      [messaging.send(topic, 1, { headers: { "Bad Name": "x" } }), "SFN_ENVELOPE_INVALID"],
      [messaging.send(topic, { n: 10n }), "SFN_INVALID_ARGUMENT"],
    ];
    for (const [attempt, code] of cases) {
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toMatchObject({ code });
    }
  });

  it("reports bad input on the reply topic and keeps working", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    await startResponder(topic);
    const client = await openClient({ maxPayloadBytes: 8192 });
    const errors: HookEvent[] = [];
    client.addHook("on-error", (event) => {
      errors.push(event);
    });
    const raw = await openRawClient();
    const garbage = [
      Buffer.from("{not json"),
      Buffer.from(JSON.stringify({ messageId: "nope", headers: {}, body: 1 })),
      Buffer.from(JSON.stringify({ messageId: crypto.randomUUID(), headers: {}, body: null })),
      encodeEnvelope(createSuccessReply("unknown-call-id-000000", 1)),
      Buffer.alloc(10_000, 0x20),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    ];
    for (const payload of garbage) await raw.publishAsync(client.replyTopic, payload, { qos: 1 });
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBe(garbage.length);
    expect(errors.map((e) => (e.error as { code: string }).code)).toEqual([
      "SFN_ENVELOPE_MALFORMED",
      "SFN_ENVELOPE_INVALID",
      "SFN_REPLY_MISSING_CALL_ID",
      "SFN_REPLY_UNKNOWN_CALL",
      "SFN_PAYLOAD_TOO_LARGE",
      "SFN_ENVELOPE_MALFORMED",
    ]);
    const reply = await client
      .createMessaging(alice)
      .sendAndWait(topic, { function: "double", parameters: { x: 4 } }, 5_000);
    expect(reply.body).toEqual({ status: "success", result: { value: 8 } });
  });

  it("mirrors the envelope into MQTT 5 properties only when asked, never the token", async () => {
    const root = uniqueTopicRoot("rr");
    const raw = await openRawClient();
    const seen: { topic: string; properties: Record<string, unknown> | undefined }[] = [];
    raw.on("message", (topic, _payload, packet) => {
      seen.push({ topic, properties: packet.properties as Record<string, unknown> | undefined });
    });
    await raw.subscribeAsync(`${root}/#`, { qos: 1 });
    const plain = (await openClient()).createMessaging(alice);
    const mirrored = (await openClient({ mirrorProperties: true })).createMessaging(alice);
    await plain.send(`${root}/plain`, 1, { headers: { "x-a": "1" } });
    await mirrored.send(`${root}/mirrored`, 1, { headers: { "x-a": "1" } });
    await expect.poll(() => seen.length).toBe(2);
    const byTopic = Object.fromEntries(seen.map((s) => [s.topic.split("/").pop(), s.properties]));
    expect(byTopic.plain?.userProperties).toBeUndefined();
    expect(byTopic.mirrored).toMatchObject({
      contentType: "application/json",
      userProperties: expect.objectContaining({ "x-a": "1" }),
    });
    expect(JSON.stringify(byTopic.mirrored)).not.toContain("alice-token");
  });

  it("sets only the message expiry on a call when mirroring is off, so the broker can drop stale calls", async () => {
    const root = uniqueTopicRoot("rr");
    const raw = await openRawClient();
    const seen: (Record<string, unknown> | undefined)[] = [];
    raw.on("message", (_topic, _payload, packet) => {
      seen.push(packet.properties as Record<string, unknown> | undefined);
    });
    await raw.subscribeAsync(`${root}/svc`, { qos: 1 });
    const messaging = (await openClient()).createMessaging(alice);
    const call = messaging.sendAndWait(`${root}/svc`, { function: "f", parameters: {} }, 4_000);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.messageExpiryInterval).toBeGreaterThanOrEqual(3);
    expect(seen[0]?.messageExpiryInterval).toBeLessThanOrEqual(4);
    expect(seen[0]?.responseTopic).toBeUndefined();
    await expect(call).rejects.toBeInstanceOf(TimeoutError);
  });

  it("receives the next message on a filter, with timeout and abort", async () => {
    const root = uniqueTopicRoot("rr");
    const messaging = (await openClient()).createMessaging(alice);
    const next = messaging.receive(`${root}/+/events`, {
      timeout: 5_000,
      onSubscribed: () => void messaging.send(`${root}/orders/events`, { n: 1 }),
    });
    await expect(next).resolves.toMatchObject({
      body: { n: 1 },
      headers: { authorization: "Bearer alice-token" },
    });
    const silent = messaging.receive(`${root}/quiet`, { timeout: 100 });
    await expect(silent).rejects.toMatchObject({ code: "SFN_RECEIVE_TIMEOUT" });
    await expect(silent).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const aborted = messaging.receive(`${root}/quiet`, { signal: controller.signal });
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "SFN_ABORTED" });
  });

  it("close() lets in-flight calls finish, then refuses new work with SFN_CLIENT_CLOSED", async () => {
    const topic = `${uniqueTopicRoot("rr")}/svc`;
    await startResponder(topic);
    const client = await openClient({ drainTimeoutMs: 5_000 });
    const states: string[] = [];
    client.on("state", (state) => states.push(state));
    const messaging = client.createMessaging(alice);
    const inFlight = messaging.sendAndWait(topic, { function: "slow", parameters: { ms: 200 } }, 5_000);
    const waiting = expect(messaging.receive(`${topic}/never`)).rejects.toMatchObject({
      code: "SFN_CLIENT_CLOSED",
    });
    await sleep(20);
    await client.close();
    await expect(inFlight).resolves.toMatchObject({ body: { status: "success", result: "slow" } });
    await waiting;
    await expect(messaging.send(topic, 1)).rejects.toMatchObject({ code: "SFN_CLIENT_CLOSED" });
    expect(states).toEqual(["closing", "closed"]);
    expect(client.connected).toBe(false);
  });
});

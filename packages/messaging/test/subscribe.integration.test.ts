import { randomBytes } from "node:crypto";
import { createMessageEnvelope, type Envelope, encodeEnvelope, type HookEvent } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { alice, openClient, openRawClient, sleep, uniqueTopicRoot } from "./support/broker.js";
import { startResponder } from "./support/responder.js";

async function publishEnvelopes(topic: string, bodies: unknown[]): Promise<void> {
  const raw = await openRawClient();
  for (const body of bodies)
    await raw.publishAsync(topic, encodeEnvelope(createMessageEnvelope(body)), { qos: 1 });
}

describe("subscribe: acknowledge after processing, and the four mqtt.js traps", () => {
  it("trap 1 — one message at a time per connection: here handlers run concurrently on one connection", async () => {
    const topic = `${uniqueTopicRoot("sub")}/jobs`;
    const messaging = (await openClient()).createMessaging(alice);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await messaging.subscribe(
      topic,
      async (message) => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(100);
        running -= 1;
        done.push(message.body as number);
      },
      { concurrency: 8 },
    );
    await publishEnvelopes(
      topic,
      Array.from({ length: 16 }, (_, i) => i),
    );
    await expect.poll(() => done.length, { timeout: 10_000 }).toBe(16);
    expect(peak).toBe(8);

    // The trap itself, with plain mqtt.js: acknowledging after the work gates the whole pipeline.
    const plain = await openRawClient();
    let plainRunning = 0;
    let plainPeak = 0;
    let plainDone = 0;
    plain.handleMessage = (_packet, callback) => {
      plainRunning += 1;
      plainPeak = Math.max(plainPeak, plainRunning);
      setTimeout(() => {
        plainRunning -= 1;
        plainDone += 1;
        callback();
      }, 20);
    };
    await plain.subscribeAsync(`${topic}/plain`, { qos: 1 });
    await publishEnvelopes(`${topic}/plain`, [1, 2, 3, 4, 5]);
    await expect.poll(() => plainDone, { timeout: 5_000 }).toBe(5);
    expect(plainPeak).toBe(1);
  });

  it("trap 2 — awaiting a QoS 1 publish (and a whole call) inside the handler does not deadlock", async () => {
    const root = uniqueTopicRoot("sub");
    await startResponder(`${root}/svc`);
    const messaging = (await openClient()).createMessaging(alice);
    const results: unknown[] = [];
    await messaging.subscribe(`${root}/in`, async (message) => {
      await messaging.send(`${root}/out`, message.body, { qos: 1 });
      const reply = await messaging.sendAndWait(
        `${root}/svc`,
        { function: "double", parameters: { x: 5 } },
        5_000,
      );
      results.push(reply.body);
    });
    const forwarded = messaging.receive(`${root}/out`, {
      timeout: 5_000,
      onSubscribed: () => void publishEnvelopes(`${root}/in`, ["ping"]),
    });
    await expect(forwarded).resolves.toMatchObject({ body: "ping" });
    await expect.poll(() => results.length, { timeout: 5_000 }).toBe(1);
    expect(results[0]).toEqual({ status: "success", result: { value: 10 } });
  });

  it("trap 3 — a handler running longer than 1.5 × keepalive keeps its connection: no drop, no redelivery", async () => {
    const topic = `${uniqueTopicRoot("sub")}/long`;
    const warnings: string[] = [];
    const client = await openClient({
      keepaliveSeconds: 1,
      clientId: `it-keepalive-${randomBytes(4).toString("hex")}`,
      logger: { warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`) },
    });
    const calls: { body: unknown; redelivered: boolean }[] = [];
    const subscription = await client.createMessaging(alice).subscribe(topic, async (message, context) => {
      calls.push({ body: message.body, redelivered: context.redelivered });
      if (message.body === "long") await sleep(3_500);
    });
    await publishEnvelopes(topic, ["long", "after"]);
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(2);
    await sleep(2_000); // a dropped connection would bring "long" back (dup) by now
    expect(calls).toEqual([
      { body: "long", redelivered: false },
      { body: "after", redelivered: false },
    ]);
    expect(warnings.filter((w) => /Keepalive|connection error/i.test(w))).toEqual([]);
    await subscription.unsubscribe();
  });

  it("trap 4 — messages queued for a persistent session are handled, not lost before the connection resolves", async () => {
    const topic = `${uniqueTopicRoot("sub")}/queued`;
    const clientId = `it-queued-${randomBytes(4).toString("hex")}`;
    const first = await openClient({ clientId });
    await first.createMessaging(alice).subscribe(topic, () => {});
    await first.close(); // a stable client id keeps the subscriber's session on the broker
    await publishEnvelopes(
      topic,
      Array.from({ length: 20 }, (_, i) => i),
    );
    const second = await openClient({ clientId });
    const seen: number[] = [];
    const subscription = await second.createMessaging(alice).subscribe(topic, (message) => {
      seen.push(message.body as number);
    });
    await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(20);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await subscription.unsubscribe(); // ends the session
  });

  it("delivers wildcard matches in order with their topic, and stops after unsubscribe", async () => {
    const root = uniqueTopicRoot("sub");
    const messaging = (await openClient()).createMessaging(alice);
    const seen: string[] = [];
    const subscription = await messaging.subscribe(`${root}/+/created`, (message, context) => {
      seen.push(`${context.topic.slice(root.length + 1)}:${message.body}`);
    });
    expect(subscription.topic).toBe(`${root}/+/created`);
    await messaging.send(`${root}/user/created`, 1);
    await messaging.send(`${root}/order/created`, 2);
    await messaging.send(`${root}/order/deleted`, 3);
    await messaging.send(`${root}/user/created`, 4);
    await expect.poll(() => seen.length).toBe(3);
    expect(seen).toEqual(["user/created:1", "order/created:2", "user/created:4"]);
    await subscription.unsubscribe();
    await messaging.send(`${root}/user/created`, 5);
    await sleep(200);
    expect(seen).toHaveLength(3);
  });

  it("reports bad messages and failing handlers through on-error and keeps consuming", async () => {
    const topic = `${uniqueTopicRoot("sub")}/mixed`;
    const client = await openClient({ maxPayloadBytes: 4096 });
    const errors: HookEvent[] = [];
    client.addHook("on-error", (event) => {
      errors.push(event);
    });
    const handled: unknown[] = [];
    await client.createMessaging(alice).subscribe(topic, (message) => {
      handled.push(message.body);
      if (message.body === "boom") throw new Error("handler bug");
    });
    const raw = await openRawClient();
    await raw.publishAsync(topic, Buffer.from("{nope"), { qos: 1 });
    await raw.publishAsync(topic, Buffer.from(JSON.stringify({ headers: {}, body: 1 })), { qos: 1 });
    await raw.publishAsync(topic, Buffer.alloc(5000, 0x20), { qos: 1 });
    await raw.publishAsync(topic, encodeEnvelope(createMessageEnvelope("boom")), { qos: 1 });
    await raw.publishAsync(topic, encodeEnvelope(createMessageEnvelope("fine")), { qos: 1 });
    await expect.poll(() => handled.length).toBe(2);
    await expect.poll(() => errors.length).toBe(4);
    expect(errors.map((e) => (e.error as { code: string }).code)).toEqual([
      "SFN_ENVELOPE_MALFORMED",
      "SFN_ENVELOPE_INVALID",
      "SFN_PAYLOAD_TOO_LARGE",
      "SFN_HANDLER_FAILED",
    ]);
    expect(handled).toEqual(["boom", "fine"]);
  });

  it("splits a shared subscription between two subscribers, each message once", async () => {
    const root = uniqueTopicRoot("sub");
    const shared = `$share/g${randomBytes(4).toString("hex")}/${root}/jobs`;
    const byClient: Envelope[][] = [[], []];
    for (const received of byClient) {
      const client = await openClient();
      await client.createMessaging(alice).subscribe(shared, (message) => {
        received.push(message);
      });
    }
    await publishEnvelopes(
      `${root}/jobs`,
      Array.from({ length: 100 }, (_, i) => i),
    );
    await expect.poll(() => byClient[0]!.length + byClient[1]!.length, { timeout: 10_000 }).toBe(100);
    await sleep(200);
    const all = [...byClient[0]!, ...byClient[1]!].map((m) => m.body as number).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(byClient[0]!.length).toBeGreaterThan(0);
    expect(byClient[1]!.length).toBeGreaterThan(0);
  });

  it("spreads a $share subscription over several connections of one client", async () => {
    const root = uniqueTopicRoot("sub");
    const messaging = (await openClient()).createMessaging(alice);
    const seen: number[] = [];
    await messaging.subscribe(
      `$share/g${randomBytes(4).toString("hex")}/${root}/work`,
      async (message) => {
        await sleep(5);
        seen.push(message.body as number);
      },
      { connections: 4 },
    );
    await publishEnvelopes(
      `${root}/work`,
      Array.from({ length: 100 }, (_, i) => i),
    );
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(100);
    expect(new Set(seen).size).toBe(100);
    await expect(messaging.subscribe(`${root}/plain`, () => {}, { connections: 2 })).rejects.toMatchObject({
      code: "SFN_INVALID_ARGUMENT",
    });
  });
});

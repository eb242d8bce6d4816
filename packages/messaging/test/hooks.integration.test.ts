import { decodeEnvelope, type Headers, type HookEvent } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { alice, openClient, openRawClient, uniqueTopicRoot } from "./support/broker.js";

const kind = (event: HookEvent) =>
  event.envelope?.replyTo ? "call" : event.envelope?.callId ? "reply" : "message";

describe("hooks on the real broker", () => {
  it("runs before-send on every publish and after-receive on every delivery and reply, in order", async () => {
    const root = uniqueTopicRoot("hooks");
    const client = await openClient();
    const messaging = client.createMessaging(alice);
    const events: string[] = [];
    client.addHook("before-send", (event) => {
      events.push(`before-send ${kind(event)} ${event.topic}`);
      // A hook may still add headers (tracing, audit ids): they go on the wire.
      event.envelope!.headers["x-audit-id"] = "a-1";
    });
    messaging.addHook("after-receive", (event) => {
      events.push(`after-receive ${kind(event)} ${event.topic}`);
    });
    const raw = await openRawClient();
    const onWire: Headers[] = [];
    raw.on("message", (_topic, payload) => onWire.push(decodeEnvelope(payload).headers));
    await raw.subscribeAsync(`${root}/events`, { qos: 1 });
    await messaging.subscribe(`${root}/svc`, async (call) => {
      events.push("handler");
      await messaging.reply(call, { result: "ok" });
    });

    await messaging.send(`${root}/events`, { n: 1 });
    await messaging.sendAndWait(`${root}/svc`, { function: "f", parameters: {} }, 5_000);

    await expect.poll(() => onWire.length).toBe(1);
    expect(onWire[0]).toMatchObject({ "x-audit-id": "a-1", authorization: "Bearer alice-token" });
    expect(events).toEqual([
      `before-send message ${root}/events`,
      `before-send call ${root}/svc`,
      `after-receive call ${root}/svc`,
      "handler",
      `before-send reply ${client.replyTopic}`,
      `after-receive reply ${client.replyTopic}`,
    ]);
  });

  it("reports a failing hook as SFN_HOOK_FAILED and still delivers and handles the message", async () => {
    const topic = `${uniqueTopicRoot("hooks")}/jobs`;
    const client = await openClient();
    const messaging = client.createMessaging(alice);
    const errors: HookEvent[] = [];
    client.addHook("on-error", (event) => {
      errors.push(event);
    });
    client.addHook("on-error", () => {
      throw new Error("a broken on-error hook is only logged");
    });
    const removeBeforeSend = client.addHook("before-send", () => {
      throw new Error("metrics exporter down");
    });
    client.addHook("after-receive", async () => {
      throw new Error("audit store down");
    });
    const handled: unknown[] = [];
    await messaging.subscribe(topic, (message) => {
      handled.push(message.body);
    });

    await messaging.send(topic, "first");
    await expect.poll(() => handled).toEqual(["first"]);
    await expect.poll(() => errors.length).toBe(2);
    expect(
      errors.map((e) => [(e.error as { code: string }).code, (e.error as { details: unknown }).details]),
    ).toEqual([
      ["SFN_HOOK_FAILED", { hook: "before-send" }],
      ["SFN_HOOK_FAILED", { hook: "after-receive" }],
    ]);
    expect(errors.every((e) => e.envelope?.body === "first")).toBe(true);

    // A removed hook no longer runs.
    removeBeforeSend();
    await messaging.send(topic, "second");
    await expect.poll(() => handled).toEqual(["first", "second"]);
    await expect.poll(() => errors.length).toBe(3);
    expect((errors[2]!.error as { details: unknown }).details).toEqual({ hook: "after-receive" });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { createMessagingClient, type MessagingClient } from "../src/index.js";
import { alice, sleep, uniqueTopicRoot } from "./support/broker.js";
import { type PrivateBroker, startPrivateBroker } from "./support/private-broker.js";

describe("broker restart mid-stream", () => {
  let broker: PrivateBroker | undefined;
  const clients: MessagingClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await broker?.dispose();
  });

  it("reconnects with backoff, resubscribes, and loses no QoS 1 message", async () => {
    broker = await startPrivateBroker();
    const options = { url: broker.url, logger: {}, reconnect: { initialDelayMs: 50, maxDelayMs: 500 } };
    const producer = await createMessagingClient({ ...options, clientId: "it-restart-producer" });
    const consumer = await createMessagingClient({ ...options, clientId: "it-restart-consumer" });
    clients.push(producer, consumer);
    const events: string[] = [];
    producer.on("disconnected", () => events.push("disconnected"));
    producer.on("reconnecting", () => events.push("reconnecting"));
    producer.on("connected", () => events.push("connected"));
    const topic = `${uniqueTopicRoot("restart")}/stream`;
    const received = new Set<number>();
    await consumer.createMessaging(alice).subscribe(topic, (message) => {
      received.add(message.body as number);
    });
    const responder = consumer.createMessaging(alice);
    await responder.subscribe(`${topic}/svc`, async (call) => {
      await sleep(200);
      await responder.reply(call, { result: "pong" });
    });
    const messaging = producer.createMessaging(alice);
    const total = 300;
    const sends: Promise<void>[] = [];
    let callAcrossRestart: Promise<unknown> | undefined;
    for (let i = 0; i < total; i++) {
      sends.push(messaging.send(topic, i, { qos: 1 }));
      if (i === 100) {
        callAcrossRestart = messaging.sendAndWait(
          `${topic}/svc`,
          { function: "ping", parameters: {} },
          15_000,
        );
        await broker.stop();
        await sleep(300); // sends keep coming while the broker is away; mqtt.js queues them
      }
      if (i === 200) await broker.start();
      if (i % 20 === 0) await sleep(5);
    }
    await Promise.all(sends);
    await expect.poll(() => received.size, { timeout: 20_000, interval: 100 }).toBe(total);
    expect(events).toContain("disconnected");
    expect(events).toContain("reconnecting");
    expect(events.at(-1)).toBe("connected");
    expect(producer.state).toBe("connected");

    // A call in flight while the broker was away completes; new calls work over the resumed sessions.
    await expect(callAcrossRestart).resolves.toMatchObject({ body: { status: "success", result: "pong" } });
    const reply = await messaging.sendAndWait(`${topic}/svc`, { function: "ping", parameters: {} }, 5_000);
    expect(reply.body).toEqual({ status: "success", result: "pong" });
  });
});

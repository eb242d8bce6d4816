import { randomBytes } from "node:crypto";
import { NotFoundError, SystemError } from "@sfn/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createMessagingClient, type MessagingClient, type MessagingClientOptions } from "../src/index.js";
import { type AedesBroker, startAedes } from "./support/aedes-broker.js";
import { alice, openClient, uniqueTopicRoot } from "./support/broker.js";

describe("MQTT 3.1.1 (protocol level 4)", () => {
  let aedes: AedesBroker | undefined;
  const clients: MessagingClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await aedes?.close();
    aedes = undefined;
  });

  async function v4Client(
    url: string,
    options: Partial<MessagingClientOptions> = {},
  ): Promise<MessagingClient> {
    const client = await createMessagingClient({ url, protocolVersion: 4, logger: {}, ...options });
    clients.push(client);
    return client;
  }

  it("does request/reply, subscriptions and error replies on aedes, from the envelope alone", async () => {
    aedes = await startAedes();
    const service = (await v4Client(aedes.url)).createMessaging(alice);
    const caller = await v4Client(aedes.url);
    expect(caller.protocolVersion).toBe(4);
    const topic = `${uniqueTopicRoot("v4")}/svc`;
    await service.subscribe(topic, async (call) => {
      const { function: name, parameters } = call.body as { function: string; parameters: { x: number } };
      if (name === "fail") await service.reply(call, { error: new NotFoundError("none", { code: "NONE" }) });
      else await service.reply(call, { result: parameters.x + 1 });
    });
    const messaging = caller.createMessaging(alice);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, x) =>
        messaging.sendAndWait(topic, { function: "inc", parameters: { x } }, 10_000),
      ),
    );
    expect(replies.map((r) => (r.body as { result: number }).result)).toEqual(
      Array.from({ length: 50 }, (_, x) => x + 1),
    );
    await expect(
      messaging.sendAndWait(topic, { function: "fail", parameters: {} }, 10_000),
    ).rejects.toMatchObject({
      code: "NONE",
    });
  });

  it("detects that aedes drops $share subscriptions, says so in the log, and refuses them", async () => {
    aedes = await startAedes();
    const warnings: string[] = [];
    const client = await v4Client(aedes.url, { logger: { warn: (message) => warnings.push(message) } });
    expect(await client.sharedSubscriptionsSupported()).toBe(false);
    expect(warnings.some((w) => w.includes("$share"))).toBe(true);
    const attempt = client
      .createMessaging(alice)
      .subscribe(`$share/g/${uniqueTopicRoot("v4")}/jobs`, () => {});
    await expect(attempt).rejects.toBeInstanceOf(SystemError);
    await expect(attempt).rejects.toMatchObject({ code: "SFN_SHARED_SUBSCRIPTION_UNSUPPORTED" });
  });

  it("finds $share supported on Mosquitto at MQTT 3.1.1 and uses it", async () => {
    const client = await openClient({ protocolVersion: 4 });
    expect(await client.sharedSubscriptionsSupported()).toBe(true);
    const root = uniqueTopicRoot("v4");
    const messaging = client.createMessaging(alice);
    const seen: number[] = [];
    await messaging.subscribe(`$share/g${randomBytes(3).toString("hex")}/${root}/jobs`, (m) => {
      seen.push(m.body as number);
    });
    for (let i = 0; i < 10; i++) await messaging.send(`${root}/jobs`, i);
    await expect.poll(() => seen.length).toBe(10);
  });

  it("fails fast with SFN_BROKER_UNAVAILABLE when the broker refuses MQTT 5", async () => {
    aedes = await startAedes();
    const attempt = createMessagingClient({
      url: aedes.url,
      protocolVersion: 5,
      connectTimeoutMs: 1_000,
      logger: {},
    });
    await expect(attempt).rejects.toBeInstanceOf(SystemError);
    await expect(attempt).rejects.toMatchObject({ code: "SFN_BROKER_UNAVAILABLE" });
  });
});

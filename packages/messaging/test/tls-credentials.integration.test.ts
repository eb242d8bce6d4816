import { SystemError } from "@sfn/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createMessagingClient, type MessagingClient } from "../src/index.js";
import { alice, uniqueTopicRoot } from "./support/broker.js";
import { type PrivateBroker, startPrivateBroker } from "./support/private-broker.js";

/** A private Mosquitto that serves only TLS and only known users, as a production EMQX would. */
describe("TLS and broker credentials", () => {
  let broker: PrivateBroker | undefined;
  const clients: MessagingClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await broker?.dispose();
    broker = undefined;
  });

  async function roundTrip(client: MessagingClient): Promise<unknown> {
    clients.push(client);
    const messaging = client.createMessaging(alice);
    const topic = `${uniqueTopicRoot("tls")}/svc`;
    await messaging.subscribe(topic, async (call) => {
      await messaging.reply(call, { result: { secure: true } });
    });
    const reply = await messaging.sendAndWait(topic, { function: "ping", parameters: {} }, 5_000);
    return reply.body;
  }

  it("calls over mqtts:// with a trusted CA and username/password options", async () => {
    broker = await startPrivateBroker({ tls: true, users: { "svc-orders": "s3cret" } });
    expect(broker.url).toMatch(/^mqtts:\/\//);
    const client = await createMessagingClient({
      url: broker.url,
      tls: { ca: broker.ca! },
      username: "svc-orders",
      password: "s3cret",
      logger: {},
    });
    await expect(roundTrip(client)).resolves.toEqual({ status: "success", result: { secure: true } });
  });

  it("takes the credentials from the URL too (mqtts://user:password@host)", async () => {
    broker = await startPrivateBroker({ tls: true, users: { "svc@acme": "p:ss/word" } });
    const url = new URL(broker.url);
    url.username = encodeURIComponent("svc@acme");
    url.password = encodeURIComponent("p:ss/word");
    const client = await createMessagingClient({ url: url.toString(), tls: { ca: broker.ca! }, logger: {} });
    await expect(roundTrip(client)).resolves.toMatchObject({ status: "success" });
  });

  it("refuses a certificate it cannot verify", async () => {
    broker = await startPrivateBroker({ tls: true });
    const attempt = createMessagingClient({ url: broker.url, connectTimeoutMs: 1_500, logger: {} });
    await expect(attempt).rejects.toMatchObject({ code: "SFN_BROKER_UNAVAILABLE" });
    await expect(attempt).rejects.toThrow(/self[- ]signed certificate/i);
  });

  it("fails at once with SFN_BROKER_REJECTED on a wrong password, at MQTT 5 and at 3.1.1", async () => {
    broker = await startPrivateBroker({ users: { "svc-orders": "s3cret" } });
    // Mosquitto 2.0 answers "not authorized" (0x87 / 5) rather than "bad user name or password".
    for (const [protocolVersion, reasonCodes] of [
      [5, [0x86, 0x87]],
      [4, [4, 5]],
    ] as const) {
      const started = Date.now();
      const attempt = createMessagingClient({
        url: broker.url,
        protocolVersion,
        username: "svc-orders",
        password: "wrong",
        connectTimeoutMs: 20_000,
        logger: {},
      });
      await expect(attempt).rejects.toBeInstanceOf(SystemError);
      const error = (await attempt.catch((e: unknown) => e)) as SystemError;
      expect(error).toMatchObject({ code: "SFN_BROKER_REJECTED", retryable: false });
      expect(reasonCodes).toContain((error.details as { reasonCode: number }).reasonCode);
      // Not after the 20 s connect timeout: the CONNACK refusal ends the attempt.
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});

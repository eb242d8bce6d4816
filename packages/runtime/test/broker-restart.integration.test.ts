import { randomBytes } from "node:crypto";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, type Envelope, newSessionId } from "@sfn/contracts";
import { createDataStoreFactory, type PostgresDataStoreFactory } from "@sfn/datastore";
import { mintToken } from "@sfn/testkit";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceHost, type ServiceHost, silentLogger } from "../src/index.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { env, uniqueName } from "./support/harness.js";
import { notesService } from "./support/notes-service.js";
import { type PrivateBroker, startPrivateBroker } from "./support/private-broker.js";

// The broker restarts in the middle of a load (a private Mosquitto with persistence: restarting the
// shared one would break the other suites). Host and caller keep persistent sessions, so every call
// is answered once the broker is back, and exactly-once effects keep one row per call.

let broker: PrivateBroker;
let db: TestDatabase;
let dataStores: PostgresDataStoreFactory;
let host: ServiceHost;
let caller: MqttClient;
const name = uniqueName("Restart");
const replyTo = `reply/${newSessionId()}`;
const replies = new Map<string, Envelope[]>();

beforeAll(async () => {
  broker = await startPrivateBroker();
  db = await createTestDatabase();
  dataStores = createDataStoreFactory({ connectionString: db.url, database: "app", maxConnections: 8 });
  host = createServiceHost({
    service: notesService(name),
    mqttUrl: broker.url,
    replicaId: "restart",
    concurrency: 4,
    authenticator: await createAuthenticator(env("SFN_OIDC_ISSUER"), {
      audience: env("SFN_OIDC_AUDIENCE"),
      allowInsecureRequests: true,
    }),
    dataStores,
    logger: silentLogger,
  });
  await host.start();
  caller = mqtt.connect(broker.url, {
    protocolVersion: 5,
    clientId: `rt-restart-caller-${randomBytes(4).toString("hex")}`,
    clean: false,
    properties: { sessionExpiryInterval: 600 },
    reconnectPeriod: 200,
  });
  caller.on("message", (_topic, payload) => {
    const envelope = JSON.parse(payload.toString("utf8")) as Envelope;
    const list = replies.get(envelope.callId!) ?? [];
    list.push(envelope);
    replies.set(envelope.callId!, list);
  });
  await new Promise((resolve) => caller.once("connect", resolve));
  await caller.subscribeAsync(replyTo, { qos: 1 });
});

afterAll(async () => {
  await caller?.endAsync(true);
  await host?.stop({ leave: true });
  await dataStores?.close();
  await db?.drop();
  await broker?.dispose();
});

describe("broker restart mid-load", () => {
  it("answers every call once the broker is back, with one insert per call", async () => {
    const token = await mintToken("alice");
    const N = 1_000;
    const calls = Array.from({ length: N }, (_, i) =>
      createCallEnvelope({
        function: "addNote",
        parameters: { text: `restart-${i}` },
        replyTo,
        timeoutMs: 120_000,
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    const published = Promise.all(
      calls.map((c) => caller.publishAsync(`service/${name}`, JSON.stringify(c), { qos: 1 })),
    );
    await expect.poll(() => replies.size, { timeout: 30_000, interval: 5 }).toBeGreaterThan(100);
    await broker.stop();
    const answeredBeforeRestart = replies.size;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await broker.start();
    await published;
    await expect
      .poll(() => calls.filter((c) => !replies.has(c.callId!)).length, { timeout: 60_000, interval: 100 })
      .toBe(0);
    for (const c of calls) {
      const got = replies.get(c.callId!)!;
      expect(got.every((r) => (r.body as { status: string }).status === "success")).toBe(true);
      for (const r of got) expect(r.body).toEqual(got[0]!.body);
    }
    const rows = await db.count(
      "SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' LIKE 'restart-%'",
    );
    expect(rows).toBe(N);
    const resent = calls.filter((c) => replies.get(c.callId!)!.length > 1).length;
    console.log(
      `broker restart: ${answeredBeforeRestart}/${N} answered before the restart; ${resent} replies re-sent`,
    );
  });
});

// pnpm bench: echo calls through @sfn/runtime (token validation on, dedup off and on) against a raw
// mqtt.js request/reply loop, on the same broker in the same run. Prints numbers; asserts nothing.
import { randomBytes } from "node:crypto";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, newCallId } from "@sfn/contracts";
import { createDataStoreFactory } from "@sfn/datastore";
import { enableNoDelay, ensureFixture, mintToken } from "@sfn/testkit";
import mqtt from "mqtt";
import { createServiceHost, silentLogger } from "../src/index.js";
import { createTestDatabase } from "../test/support/database.js";
import { notesService } from "../test/support/notes-service.js";

const fixture = await ensureFixture({ log: false });
Object.assign(process.env, fixture);
const N = Number(process.env.BENCH_CALLS ?? 5_000);
const SEQ = Number(process.env.BENCH_SEQUENTIAL_CALLS ?? 1_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

type Send = (i: number) => { topic: string; payload: string; id: string };

async function requester(replyTopic: string) {
  const client = enableNoDelay(
    await mqtt.connectAsync(fixture.SFN_MQTT_URL, { protocolVersion: 5, clean: true }),
  );
  const waiting = new Map<string, () => void>();
  let errors = 0;
  client.on("message", (_t, payload, packet) => {
    if (payload.includes('"status":"error"')) {
      errors++;
      if (errors === 1) console.log(`first error reply: ${payload.toString().slice(0, 300)}`);
    }
    const id =
      packet.properties?.correlationData?.toString() ??
      (JSON.parse(payload.toString()) as { callId: string }).callId;
    waiting.get(id)?.();
    waiting.delete(id);
  });
  await client.subscribeAsync(replyTopic, { qos: 1 });
  const one = (m: ReturnType<Send>) =>
    new Promise<void>((resolve) => {
      waiting.set(m.id, resolve);
      client.publish(m.topic, m.payload, {
        qos: 1,
        properties: { responseTopic: replyTopic, correlationData: Buffer.from(m.id) },
      });
    });
  async function run(label: string, make: Send) {
    for (const [mode, total, window] of [
      ["64 in flight", N, WINDOW],
      ["sequential", SEQ, 1],
    ] as const) {
      const latencies: number[] = [];
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: window }, async () => {
          while (next < total) {
            const m = make(next++);
            const t = performance.now();
            await one(m);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const q = (p: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
      console.log(
        `${label.padEnd(34)} ${mode.padEnd(13)} ${String(Math.round(total / seconds)).padStart(6)} calls/s  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms${errors ? `  (${errors} error replies!)` : ""}`,
      );
      errors = 0;
    }
  }
  return { run, close: () => client.endAsync() };
}

// 1. Raw mqtt.js responder: echo the payload back to the response topic (auto-ack).
const rawTopic = `bench-${randomBytes(4).toString("hex")}/raw`;
const responder = enableNoDelay(
  await mqtt.connectAsync(fixture.SFN_MQTT_URL, { protocolVersion: 5, clean: true }),
);
responder.on("message", (_t, payload, packet) => {
  const p = packet.properties;
  if (p?.responseTopic)
    responder.publish(p.responseTopic, payload, {
      qos: 1,
      properties: { correlationData: p.correlationData },
    });
});
await responder.subscribeAsync(rawTopic, { qos: 1 });

// 2. The runtime, with a real database and the fixture's issuer.
const db = await createTestDatabase();
const dataStores = createDataStoreFactory({
  connectionString: db.url,
  database: "app",
  maxConnections: CONCURRENCY + 2,
});
const authenticator = await createAuthenticator(fixture.SFN_OIDC_ISSUER, {
  audience: fixture.SFN_OIDC_AUDIENCE,
  allowInsecureRequests: true,
});
const name = `Bench${randomBytes(4).toString("hex")}`;
const prefix = `bench-${name}`;
const host = createServiceHost({
  service: notesService(name),
  mqttUrl: fixture.SFN_MQTT_URL,
  topicPrefix: prefix,
  replicaId: "bench",
  concurrency: CONCURRENCY,
  authenticator,
  dataStores,
  logger: silentLogger,
});
await host.start();
// The same service without a database: no transaction per call (the ceiling of the pipeline itself).
const bare = createServiceHost({
  service: notesService(name),
  mqttUrl: fixture.SFN_MQTT_URL,
  topicPrefix: `${prefix}-bare`,
  replicaId: "bench",
  concurrency: CONCURRENCY,
  authenticator,
  logger: silentLogger,
});
await bare.start();
const token = await mintToken("alice");
const replyTo = `${prefix}/reply/${randomBytes(16).toString("base64url")}`;
const req = await requester(replyTo);
const rawReq = await requester(`${prefix}/raw-reply`);
const body = { text: "hello" };

console.log(
  `N=${N} (window ${WINDOW}), sequential ${SEQ}, runtime concurrency ${CONCURRENCY}, QoS 1, one process`,
);
await rawReq.run("raw mqtt.js request/reply", (i) => {
  const id = `raw-${i}-${randomBytes(4).toString("hex")}`;
  return { topic: rawTopic, payload: JSON.stringify(body), id };
});
const runs = [
  ["runtime (no database)", "echo", `${prefix}-bare`],
  ["runtime (dedup off, transaction)", "echo", prefix],
  ["runtime (dedup on, PostgreSQL)", "echoDedup", prefix],
] as const;
for (const [label, fn, topicPrefix] of runs) {
  await req.run(label, () => {
    const callId = newCallId();
    const envelope = createCallEnvelope({
      function: fn,
      parameters: body,
      replyTo,
      callId,
      timeoutMs: 60_000,
      headers: { authorization: `Bearer ${token}` },
    });
    return { topic: `${topicPrefix}/service/${name}`, payload: JSON.stringify(envelope), id: callId };
  });
}

await req.close();
await rawReq.close();
await responder.endAsync();
await host.stop({ leave: true });
await bare.stop({ leave: true });
await dataStores.close();
await db.drop();
process.exit(0);

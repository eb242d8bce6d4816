// pnpm bench: echo calls through @sfn/runtime (parameter validation and cached JWT validation on; dedup
// off and on) against a raw mqtt.js request/reply loop and Moleculer 0.14 with its MQTT transporter, on
// the same broker in the same run; the effect of the host's concurrency setting; p99 at a fixed
// 1,000 calls/s; and an idle service process's CPU time and memory. Prints numbers; asserts nothing.
import { randomBytes } from "node:crypto";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, newCallId } from "@sfn/contracts";
import { createDataStoreFactory } from "@sfn/datastore";
import { ensureFixture, mintToken } from "@sfn/testkit";
import type { MqttClient } from "mqtt";
import type { ServiceHost } from "../src/index.js";
import { createTestDatabase } from "../test/support/database.js";
import { baseline, benchService, type RuntimeModule, runtime } from "./support/built-runtime.js";
import { measureIdle } from "./support/idle.js";
import { type Call, closedLoop, formatResult, type LoadResult, openLoop } from "./support/load.js";
import { startMoleculerPair } from "./support/moleculer-pair.js";
import { createRequester, startRawResponder } from "./support/requester.js";

const fixture = await ensureFixture({ log: false });
Object.assign(process.env, fixture);
const N = Number(process.env.BENCH_CALLS ?? 5_000);
const SEQ = Number(process.env.BENCH_SEQUENTIAL_CALLS ?? 1_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
// 10,000: with 3,000 every row ran 15–30 % slower (JIT not settled), Moleculer and raw included.
const WARMUP = Number(process.env.BENCH_WARMUP_CALLS ?? 10_000);
// The runtime's own defaults (SFN_CONCURRENCY, SFN_CONNECTIONS) unless BENCH_CONCURRENCY says otherwise.
const defaults = runtime.loadRuntimeConfig({ SFN_MQTT_URL: fixture.SFN_MQTT_URL });
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? defaults.concurrency);
const CONNECTIONS = defaults.connections;
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const url = fixture.SFN_MQTT_URL;
const tag = randomBytes(4).toString("hex");
const results: LoadResult[] = [];
const report = (r: LoadResult) => {
  results.push(r);
  console.log(formatResult(r));
};
/** Warm-up (JIT, pools; not measured), then `N` at WINDOW in flight and SEQ sequential. */
const both = async (label: string, call: Call) => {
  await closedLoop("warm-up", call, WARMUP, WINDOW);
  report(await closedLoop(label, call, N, WINDOW));
  report(await closedLoop(label, call, SEQ, 1));
};

console.log(
  `N=${N} at ${WINDOW} in flight, ${SEQ} sequential, ${WARMUP} warm-up calls per row; runtime concurrency ${CONCURRENCY} over ${CONNECTIONS} connections (defaults: ${defaults.concurrency} / ${defaults.connections}); one process`,
);

// 1. Raw mqtt.js request/reply (the messaging benchmark's loop), QoS 0 and QoS 1.
const requester = await createRequester(url, `bench-${tag}/reply/raw`);
const responders: MqttClient[] = [];
const payload = JSON.stringify({ text: "hello" });
let rawId = 0;
const rawCall =
  (qos: 0 | 1): Call =>
  () =>
    requester.request(`bench-${tag}/raw${qos}`, payload, `r${rawId++}`, qos);
for (const qos of [0, 1] as const) {
  responders.push(await startRawResponder(url, `bench-${tag}/raw${qos}`, qos));
  await both(`raw mqtt.js request/reply, QoS ${qos}`, rawCall(qos));
}

// 2. Moleculer 0.14, MQTT transporter, QoS 0 (its default) and QoS 1.
for (const qos of [0, 1] as const) {
  const pair = await startMoleculerPair(url, qos, `bench-${tag}-m${qos}`);
  await both(`Moleculer 0.14 (MQTT transporter), QoS ${qos}`, () => pair.call({ text: "hello" }));
  await pair.stop();
}

// 3. The runtime: a real database and the fixture's issuer (JWT validated, then cached per token).
const db = await createTestDatabase();
const dataStores = createDataStoreFactory({ connectionString: db.url, database: "app", maxConnections: 34 });
const authenticator = await createAuthenticator(fixture.SFN_OIDC_ISSUER, {
  audience: fixture.SFN_OIDC_AUDIENCE,
  allowInsecureRequests: true,
});
const name = `Bench${tag}`;
const startHost = async (
  prefix: string,
  concurrency: number,
  connections = CONNECTIONS,
  build: RuntimeModule = runtime,
): Promise<ServiceHost> => {
  const host = build.createServiceHost({
    service: benchService(name, build),
    mqttUrl: url,
    topicPrefix: prefix,
    // Unique per host: the main host (the defaults) keeps running during the layouts, and two connections
    // with one client id take the session from each other at the broker.
    replicaId: `bench-${prefix}`,
    concurrency,
    connections,
    authenticator,
    dataStores,
    logger: build.silentLogger,
  });
  await host.start();
  return host;
};
const token = await mintToken("alice");
const replyTo = `bench-${tag}/reply/${randomBytes(16).toString("base64url")}`;
const runtimeRequester = await createRequester(url, replyTo);
const runtimeCall =
  (prefix: string, fn: string, parameters: Record<string, unknown> = { text: "hello" }): Call =>
  () => {
    const callId = newCallId();
    const envelope = createCallEnvelope({
      function: fn,
      parameters,
      replyTo,
      callId,
      timeoutMs: 60_000,
      headers: { authorization: `Bearer ${token}` },
    });
    return runtimeRequester.request(`${prefix}/service/${name}`, JSON.stringify(envelope), callId, 1);
  };
const mainPrefix = `bench-${tag}-main`;
const main = await startHost(mainPrefix, CONCURRENCY);
await both("runtime, dedup off (echo)", runtimeCall(mainPrefix, "echo"));
await both("runtime, dedup on (echoDedup, PostgreSQL)", runtimeCall(mainPrefix, "echoDedup"));
if (baseline) {
  // The same rows through another build (BENCH_BASELINE_RUNTIME, e.g. the previous commit's dist).
  const basePrefix = `bench-${tag}-baseline`;
  const base = await startHost(basePrefix, CONCURRENCY, CONNECTIONS, baseline);
  await both("baseline build, dedup off (echo)", runtimeCall(basePrefix, "echo"));
  await both("baseline build, dedup on (echoDedup)", runtimeCall(basePrefix, "echoDedup"));
  await base.stop({ leave: true });
}
console.log("\nlatency at a fixed 1,000 calls/s (open loop, 5 s, after 1 s at that rate not measured):");
/** Steady state: the row before may have left the pools idle long enough to close connections. */
const steady = async (label: string, call: Call) => {
  await openLoop("warm-up", call, 1_000, 1);
  report(await openLoop(label, call, 1_000, 5));
};
await steady("raw mqtt.js, QoS 1", rawCall(1));
await steady("runtime, dedup off", runtimeCall(mainPrefix, "echo"));
await steady("runtime, dedup on", runtimeCall(mainPrefix, "echoDedup"));

// 4. The concurrency settings, 64 in flight: echo (CPU only), echo with dedup (a transaction per call),
// and a function that awaits 5 ms of I/O. SFN_CONCURRENCY = calls at once; SFN_CONNECTIONS = connections
// in the $share group they are spread over (one handler per connection was the only layout before).
console.log("\nconcurrency settings, 64 in flight:");
const layouts: [number, number][] = [
  [1, 1],
  [4, 2],
  [16, 1],
  [16, 2],
  [16, 4],
  [16, 16],
  [64, 2],
];
for (const [concurrency, connections] of layouts) {
  const prefix = `bench-${tag}-c${concurrency}x${connections}`;
  const host = await startHost(prefix, concurrency, connections);
  for (const [fn, what, parameters, calls] of [
    ["echo", "dedup off", { text: "hello" }, N],
    ["echoDedup", "dedup on", { text: "hello" }, N],
    ["pause", "5 ms I/O wait", { text: "hello", ms: 5 }, Math.min(N, 150 * concurrency + 500)],
  ] as const) {
    const call = runtimeCall(prefix, fn, parameters);
    await closedLoop("warm-up", call, Math.min(WARMUP, calls), WINDOW);
    report(
      await closedLoop(
        `runtime, ${what}, concurrency ${concurrency} / ${connections} conn.`,
        call,
        calls,
        WINDOW,
      ),
    );
  }
  await host.stop({ leave: true });
}
await runtimeRequester.close();
for (const responder of responders) await responder.endAsync();
await requester.close();
await main.stop({ leave: true });

// 5. An idle service process (built @sfn/runtime, database, issuer, messaging): CPU time and RSS.
const idle = await measureIdle(
  {
    SFN_MQTT_URL: url,
    SFN_OIDC_ISSUER: fixture.SFN_OIDC_ISSUER,
    SFN_OIDC_AUDIENCE: fixture.SFN_OIDC_AUDIENCE,
    SFN_OIDC_ALLOW_INSECURE: "true",
    SFN_DATABASE_URL: db.url,
    SFN_REPLICA_ID: `idle-${tag}`,
    SFN_TOPIC_PREFIX: `bench-${tag}-idle`,
  },
  IDLE_SECONDS,
);
const idleBaseline = process.env.BENCH_BASELINE_RUNTIME
  ? await measureIdle(
      {
        SFN_MQTT_URL: url,
        SFN_OIDC_ISSUER: fixture.SFN_OIDC_ISSUER,
        SFN_OIDC_AUDIENCE: fixture.SFN_OIDC_AUDIENCE,
        SFN_OIDC_ALLOW_INSECURE: "true",
        SFN_DATABASE_URL: db.url,
        SFN_REPLICA_ID: `idle-${tag}-baseline`,
        SFN_TOPIC_PREFIX: `bench-${tag}-idle-baseline`,
        IDLE_RUNTIME: process.env.BENCH_BASELINE_RUNTIME,
      },
      IDLE_SECONDS,
    )
  : undefined;
if (idleBaseline) {
  console.log(
    `\nidle service process, baseline build: ${idleBaseline.cpuMs.toFixed(0)} ms CPU over ${idleBaseline.seconds} s, RSS ${idleBaseline.rssMb.toFixed(1)} MB`,
  );
}
console.log(
  `\nidle service process: ${idle.cpuMs.toFixed(0)} ms CPU over ${idle.seconds} s (${((idle.cpuMs / (idle.seconds * 1000)) * 100).toFixed(2)} % of a core), RSS ${idle.rssMb.toFixed(1)} MB`,
);

// Ratios to the baselines measured above.
const find = (label: string, mode: string) => results.find((r) => r.label === label && r.mode === mode);
const ratio = (a?: LoadResult, b?: LoadResult) =>
  a && b ? `${((a.callsPerSecond / b.callsPerSecond) * 100).toFixed(0)} %` : "n/a";
const inFlight = `${WINDOW} in flight`;
const off = find("runtime, dedup off (echo)", inFlight);
for (const baseline of [
  "raw mqtt.js request/reply, QoS 1",
  "raw mqtt.js request/reply, QoS 0",
  "Moleculer 0.14 (MQTT transporter), QoS 1",
  "Moleculer 0.14 (MQTT transporter), QoS 0",
]) {
  console.log(`runtime dedup off / ${baseline}: ${ratio(off, find(baseline, inFlight))}`);
}

await dataStores.close();
await db.drop();
process.exit(0);

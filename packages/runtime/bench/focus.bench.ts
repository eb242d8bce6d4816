// pnpm bench:focus: the headline rows only — raw mqtt.js QoS 1 and the runtime's echo with dedup off and
// on, 64 in flight, alternated BENCH_ROUNDS times in one process — to compare changes quickly on a loaded
// machine (and to profile the host: `node --cpu-prof --import tsx bench/focus.bench.ts`).
import { randomBytes } from "node:crypto";
import { Socket } from "node:net";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, newCallId } from "@sfn/contracts";
import { createDataStoreFactory } from "@sfn/datastore";
import { ensureFixture, mintToken } from "@sfn/testkit";
import { createTestDatabase } from "../test/support/database.js";
import { baseline, benchService, type RuntimeModule, runtime } from "./support/built-runtime.js";
import { type Call, closedLoop, formatResult } from "./support/load.js";
import { createRequester, startRawResponder } from "./support/requester.js";

const fixture = await ensureFixture({ log: false });
Object.assign(process.env, fixture);
const N = Number(process.env.BENCH_CALLS ?? 5_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const ROWS = (process.env.BENCH_ROWS ?? "raw,off,on").split(",");
const url = fixture.SFN_MQTT_URL;
const tag = randomBytes(4).toString("hex");

// Socket writes (system calls) of this process per call: each costs a wake-up of the broker or database.
let writes = 0;
const socket = Socket.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const method of ["_writeGeneric"]) {
  const original = socket[method]!;
  socket[method] = function (this: unknown, ...args: unknown[]) {
    writes++;
    return original.apply(this, args);
  };
}

const requester = await createRequester(url, `bench-${tag}/reply/raw`);
const responder = await startRawResponder(url, `bench-${tag}/raw1`, 1);
let rawId = 0;
const raw: Call = () => requester.request(`bench-${tag}/raw1`, '{"text":"hello"}', `r${rawId++}`, 1);

const db = await createTestDatabase();
const dataStores = createDataStoreFactory({ connectionString: db.url, database: "app", maxConnections: 34 });
const authenticator = await createAuthenticator(fixture.SFN_OIDC_ISSUER, {
  audience: fixture.SFN_OIDC_AUDIENCE,
  allowInsecureRequests: true,
});
const defaults = runtime.loadRuntimeConfig({ SFN_MQTT_URL: url });
const startHost = async (build: RuntimeModule, name: string) => {
  const host = build.createServiceHost({
    service: benchService(name, build),
    mqttUrl: url,
    topicPrefix: `bench-${tag}`,
    replicaId: `focus-${tag}`,
    // The runtime's own defaults (SFN_CONCURRENCY / SFN_CONNECTIONS) unless the environment says otherwise.
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? defaults.concurrency),
    connections: Number(process.env.BENCH_CONNECTIONS ?? defaults.connections),
    authenticator,
    dataStores,
    logger: build.silentLogger,
    ...(name.endsWith("Mirrored") ? { mirrorProperties: true } : {}),
  });
  await host.start();
  return host;
};
const name = `Focus${tag}`;
const prefix = `bench-${tag}`;
const hosts = [await startHost(runtime, name)];
if (baseline) hosts.push(await startHost(baseline, `${name}Baseline`));
if (process.env.BENCH_MIRRORED) hosts.push(await startHost(runtime, `${name}Mirrored`));
const token = await mintToken("alice");
const replyTo = `bench-${tag}/reply/${randomBytes(16).toString("base64url")}`;
const runtimeRequester = await createRequester(url, replyTo);
const runtimeCall =
  (fn: string, service = name): Call =>
  () => {
    const callId = newCallId();
    const envelope = createCallEnvelope({
      function: fn,
      parameters: { text: "hello" },
      replyTo,
      callId,
      timeoutMs: 60_000,
      headers: { authorization: `Bearer ${token}` },
    });
    return runtimeRequester.request(`${prefix}/service/${service}`, JSON.stringify(envelope), callId, 1);
  };
const rows: [string, string, Call][] = [
  ["raw", "raw mqtt.js request/reply, QoS 1", raw],
  ["off", "runtime, dedup off (echo)", runtimeCall("echo")],
  ["on", "runtime, dedup on (echoDedup)", runtimeCall("echoDedup")],
];
if (process.env.BENCH_MIRRORED) {
  rows.push(
    ["off", "runtime, mirrored, dedup off (echo)", runtimeCall("echo", `${name}Mirrored`)],
    ["on", "runtime, mirrored, dedup on (echoDedup)", runtimeCall("echoDedup", `${name}Mirrored`)],
  );
}
if (baseline) {
  rows.push(
    ["off", "baseline build, dedup off (echo)", runtimeCall("echo", `${name}Baseline`)],
    ["on", "baseline build, dedup on (echoDedup)", runtimeCall("echoDedup", `${name}Baseline`)],
  );
}
for (const [key, , call] of rows) if (ROWS.includes(key)) await closedLoop("warm-up", call, 2_000, WINDOW);
for (let round = 0; round < ROUNDS; round++) {
  for (const [key, label, call] of rows) {
    if (!ROWS.includes(key)) continue;
    const cpu = process.cpuUsage();
    const writesBefore = writes;
    const result = await closedLoop(label, call, N, WINDOW);
    const used = process.cpuUsage(cpu);
    // CPU of this process (host, requester and broker clients) per call: steadier than calls/s under load.
    const perCall = (used.user + used.system) / result.calls;
    const writesPerCall = (writes - writesBefore) / result.calls;
    console.log(
      `${formatResult(result)}  ${perCall.toFixed(0)} µs CPU/call  ${writesPerCall.toFixed(2)} writes/call`,
    );
  }
}
for (const host of hosts) await host.stop({ leave: true });
await runtimeRequester.close();
await responder.endAsync();
await requester.close();
await dataStores.close();
await db.drop();
process.exit(0);

// Request/reply throughput and latency: plain mqtt.js (the transport's limit) vs sendAndWait, against one
// minimal responder process, on the fixture's Mosquitto; then subscribe() handler throughput. Numbers
// and ratios to the baseline measured in the same run — no assertions. CPU µs/call is the requester
// process's own CPU time per call: unlike calls/s it barely moves with the load of a shared machine.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ensureFixture } from "@sfn/testkit";
import { createMessagingClient } from "../src/index.js";
import { rawRequester } from "./raw-requester.js";
import { measure, medianResult, type RunResult } from "./stats.js";
import { subscribeThroughput } from "./subscribe-throughput.js";

const url = process.env.SFN_MQTT_URL ?? (await ensureFixture({ log: false })).SFN_MQTT_URL;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WINDOWED = Number(process.env.BENCH_CALLS ?? 10_000);
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL_CALLS ?? 2_000);
const token = "x".repeat(800); // the size of a typical RS256 JWT access token
const topic = `bench/${randomBytes(6).toString("hex")}/svc`;
const parameters = { id: 42, name: "Ada Lovelace", tags: ["a", "b"] };

function startResponder(): Promise<ChildProcess> {
  const script = fileURLToPath(new URL("./responder.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, SFN_MQTT_URL: url, TOPIC: topic },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) => child.stdout!.once("data", () => resolve(child)));
}

const responder = await startResponder();
const raw = await rawRequester(url, topic, token);
const plain = await createMessagingClient({ url, logger: {} });
const mirrored = await createMessagingClient({ url, logger: {}, mirrorProperties: true });
const user = { userId: "bench", roles: [], groups: [], token };
const variants = {
  "raw mqtt.js": (qos: 0 | 1) => () => raw.call(qos, parameters),
  sendAndWait: (qos: 0 | 1) => {
    const m = plain.createMessaging(user);
    return () => m.sendAndWait(topic, { function: "echo", parameters }, 10_000, { qos });
  },
  "sendAndWait + mirrorProperties": (qos: 0 | 1) => {
    const m = mirrored.createMessaging(user);
    return () => m.sendAndWait(topic, { function: "echo", parameters }, 10_000, { qos });
  },
};
type Variant = keyof typeof variants;

const scenarios: { name: string; qos: 0 | 1; window: number; total: number }[] = [
  { name: "QoS 0, 64 in flight", qos: 0, window: 64, total: WINDOWED },
  { name: "QoS 1, 64 in flight", qos: 1, window: 64, total: WINDOWED },
  { name: "QoS 0, sequential", qos: 0, window: 1, total: SEQUENTIAL },
  { name: "QoS 1, sequential", qos: 1, window: 1, total: SEQUENTIAL },
];

// Warm up JIT, ajv validators and connections.
for (const make of Object.values(variants)) await measure(500, 16, make(1));

const rows: Record<string, string | number>[] = [];
for (const scenario of scenarios) {
  const runs = new Map<Variant, RunResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the variants inside each round, and reverse their order every other round, so drift of
    // the shared machine hits all of them alike.
    const names = Object.keys(variants) as Variant[];
    for (const name of round % 2 === 0 ? names : names.reverse()) {
      const result = await measure(scenario.total, scenario.window, variants[name](scenario.qos));
      runs.set(name, [...(runs.get(name) ?? []), result]);
    }
  }
  const baseline = medianResult(runs.get("raw mqtt.js")!);
  for (const [name, results] of runs) {
    const r = medianResult(results);
    rows.push({
      scenario: scenario.name,
      variant: name,
      "calls/s": Math.round(r.callsPerSecond),
      "p50 ms": Number(r.p50.toFixed(3)),
      "p99 ms": Number(r.p99.toFixed(3)),
      "throughput vs raw": `${((r.callsPerSecond / baseline.callsPerSecond) * 100).toFixed(1)} %`,
      "p99 − raw p99 ms": Number((r.p99 - baseline.p99).toFixed(3)),
      "CPU µs/call": Number(r.cpuMicrosPerCall.toFixed(1)),
      "CPU − raw µs": Number((r.cpuMicrosPerCall - baseline.cpuMicrosPerCall).toFixed(1)),
    });
  }
}

console.log(
  `\nrequest/reply on ${url}: median of ${ROUNDS} rounds, ${WINDOWED} windowed / ${SEQUENTIAL} sequential calls`,
);
console.table(rows);
for (const scenario of scenarios) {
  const lib = rows.find((r) => r.scenario === scenario.name && r.variant === "sendAndWait")!;
  const mir = rows.find(
    (r) => r.scenario === scenario.name && r.variant === "sendAndWait + mirrorProperties",
  )!;
  const cost = 1 - Number(mir["calls/s"]) / Number(lib["calls/s"]);
  console.log(
    `mirrorProperties cost, ${scenario.name}: ${(cost * 100).toFixed(1)} % of sendAndWait throughput`,
  );
}

await raw.close();
await plain.close();
await mirrored.close();
responder.kill();

console.log("\nsubscribe(): handler throughput, acknowledge-after-processing");
console.table(await subscribeThroughput(url));

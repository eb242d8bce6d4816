// pnpm bench: time from `sfn deploy` (the deployment_request commit) to the new version answering calls,
// by phase (detect, verify, pull, unpack, compose, start, ready), with a cached base runtime and a 10 MB
// application layer pulled from a real OCI registry each time; detection with LISTEN/NOTIFY against the
// polling fallback (1 s interval) and a bare restart of the function process (no sidecar) as baselines
// measured in the same run. Prints numbers; asserts nothing.
import { join } from "node:path";
import { createMessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { ensureFixture } from "@sfn/testkit";
import { requestDeploy } from "../src/build/deploy.js";
import { ProcessLauncher } from "../src/launcher/process-launcher.js";
import { waitUntilReady } from "../src/sidecar/readiness.js";
import { setup as startRegistry } from "../test/support/registry-global-setup.js";

const fixture = await ensureFixture({ log: false });
Object.assign(process.env, fixture);
const stopRegistry = await startRegistry();
const { createHarness } = await import("../test/support/harness.js");
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const LAYER_BYTES = Number(process.env.BENCH_LAYER_BYTES ?? 10 * 1024 * 1024);

const h = await createHarness("bench");
const messaging = await createMessagingClient({
  url: fixture.SFN_MQTT_URL,
  clientId: `sidecar-bench-${process.pid}`,
});
const client = createClient(messaging.createMessaging(ANONYMOUS_USER), "EchoService", {
  topicPrefix: h.topicPrefix,
});

const versions = Array.from({ length: ROUNDS * 2 + 1 }, (_, i) => `1.0.${i}`);
let layerSize = 0;
for (const version of versions) {
  progress(`publishing ${version}`);
  const built = await h.publish(version, { label: version, padBytes: LAYER_BYTES });
  layerSize = built.layer.size;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** A call every 25 ms (each may wait for the broker's redelivery); the first reply from `label` ends it. */
function answersWith(label: string, since: number): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const timer = setInterval(() => {
      client.echo!({ text: "x" }, { timeoutMs: 10_000 }).then(
        (reply) => {
          if (!done && (reply as { label: string }).label === label) {
            done = true;
            clearInterval(timer);
            resolve(performance.now() - since);
          }
        },
        () => {},
      );
    }, 25);
  });
}

type Round = Record<string, number>;

async function rounds(listen: boolean, list: string[]): Promise<Round[]> {
  let enteredDeploying = 0;
  const sidecar = h.sidecar(`bench-pod-${listen ? "notify" : "poll"}`, {
    listen,
    pollIntervalMs: listen ? 60_000 : 1000,
    onTransition: (t) => {
      if (t.state === "deploying" && enteredDeploying === 0) enteredDeploying = performance.now();
    },
  });
  await sidecar.start();
  const out: Round[] = [];
  for (const version of list) {
    progress(`deploying ${version} (${listen ? "NOTIFY" : "polling"})`);
    const since = await h.store.lastEventId();
    enteredDeploying = 0;
    const t0 = performance.now();
    await requestDeploy("EchoService", version, { store: h.store, by: "bench" });
    const endToEnd = await answersWith(version, t0);
    let events = await h.store.events("EchoService", since);
    for (let i = 0; i < 300 && !events.some((e) => e.event === "ready"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = await h.store.events("EchoService", since);
    }
    const phase = (name: string) =>
      events.filter((e) => e.event === name).reduce((s, e) => s + (e.durationMs ?? 0), 0);
    out.push({
      detect: enteredDeploying - t0, // from before the request (includes its commit)
      verify: phase("verified"),
      pull: phase("pulled"),
      unpack: phase("unpacked"),
      compose: phase("composed"),
      start: phase("started"),
      ready: phase("ready"),
      endToEnd,
    });
  }
  await h.store.request("EchoService", "undeploy", null, "bench");
  await sidecar.stop();
  return out;
}

// baseline: restarting the function process by hand, no sidecar, no registry, no database
async function bareRestarts(n: number): Promise<number[]> {
  const launcher = new ProcessLauncher({
    env: {
      SFN_OIDC_ISSUER: undefined,
      SFN_DATABASE_URL: undefined,
      SFN_TOPIC_PREFIX: `${h.topicPrefix}-bare`,
      SFN_LOG_LEVEL: "warn",
    },
    overlap: false,
  });
  const appDir = join(h.work, "pods", "bench-pod-notify", "current");
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await launcher.restart(appDir);
    await waitUntilReady(launcher, 30_000);
    times.push(performance.now() - t0);
  }
  await launcher.stop();
  return times;
}

try {
  const notify = await rounds(true, versions.slice(0, ROUNDS + 1));
  const bare = await bareRestarts(ROUNDS);
  const poll = await rounds(false, versions.slice(ROUNDS + 1));
  const measured = notify.slice(1); // the first deploy claims the app on an idle pod (a cold start of the pod)
  const keys = ["detect", "verify", "pull", "unpack", "compose", "start", "ready", "endToEnd"];
  console.log(
    `sfn sidecar deploy benchmark — ${ROUNDS} redeploys, layer ${(layerSize / 1048576).toFixed(1)} MiB (gzip), 2-core box`,
  );
  console.log("\nredeploy with LISTEN/NOTIFY (median per phase):");
  for (const k of keys) console.log(`  ${k.padEnd(9)} ${fmt(median(measured.map((r) => r[k]!)))}`);
  console.log(
    `\nfirst deploy, idle pod claims it: detect ${fmt(notify[0]!.detect!)}, end to end ${fmt(notify[0]!.endToEnd!)}`,
  );
  const pollDetect = median(poll.map((r) => r.detect!));
  console.log(
    `\ndetection: NOTIFY ${fmt(median(measured.map((r) => r.detect!)))} vs polling every 1 s ${fmt(pollDetect)}`,
  );
  console.log(
    `  ratio polling / NOTIFY: ${(pollDetect / median(measured.map((r) => r.detect!))).toFixed(0)}×`,
  );
  const bareMedian = median(bare);
  const e2e = median(measured.map((r) => r.endToEnd!));
  console.log(`\nbaseline, bare process restart to /readyz (no sidecar): ${fmt(bareMedian)}`);
  console.log(
    `  end-to-end deploy / bare restart: ${(e2e / bareMedian).toFixed(2)}  (design document promise: 3000–5000 ms; goal < 1000 ms)`,
  );
} finally {
  await messaging.close();
  await h.close();
  await stopRegistry();
}

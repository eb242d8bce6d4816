import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDeploy } from "../src/build/deploy.js";
import { freePort } from "../src/launcher/free-port.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";
import { startSupervisor, stopSupervisor, supervisorLauncher } from "./support/supervisor.js";

let h: Harness;
let messaging: MessagingClient;
let supervisor: ChildProcess | undefined;
/** Replies that reached a waiting call, and replies nobody waited for (duplicates, late ones). */
const replies = { routed: 0, unexpected: [] as string[] };

beforeAll(async () => {
  h = await createHarness("k8s");
  messaging = await createMessagingClient({
    url: process.env.SFN_MQTT_URL!,
    clientId: `sidecar-k8s-${process.pid}`,
  });
  messaging.addHook("after-receive", () => {
    replies.routed++;
  });
  messaging.addHook("on-error", (event) => {
    replies.unexpected.push(String((event.error as { code?: string })?.code ?? event.error));
  });
});
afterAll(async () => {
  await h?.close();
  await stopSupervisor(supervisor);
  await messaging?.close();
});

/** The supervisor's child processes (the function processes), from /proc. */
function functionPids(parent: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return /^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] === String(parent);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A call every 20 ms until stopped; each call's outcome, in order. */
/** No call failed, each got its own reply, exactly one (counted by the caller's reply hooks). */
function everyCallAnsweredOnce(
  settled: unknown[],
  before: { routed: number; unexpected: number },
): { text: string; label: string }[] {
  const failed = settled.filter((r) => r instanceof Error);
  expect({
    calls: settled.length,
    failed: failed.length,
    firstError: failed[0] && String(failed[0]),
  }).toMatchObject({
    failed: 0,
  });
  const answered = settled as { text: string; label: string }[];
  expect(answered.map((r) => r.text)).toEqual(settled.map((_, i) => String(i)));
  expect(replies.routed - before.routed).toBe(settled.length);
  expect(replies.unexpected.slice(before.unexpected)).toEqual([]);
  return answered;
}

function callStream(call: (text: string) => Promise<unknown>) {
  const results: Promise<{ text: string; label: string } | Error>[] = [];
  let flowing = true;
  const loop = (async () => {
    for (let i = 0; flowing; i++) {
      results.push(
        call(String(i)).then(
          (r) => r as { text: string; label: string },
          (e: Error) => e,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    flowing = false;
    await loop;
    return Promise.all(results);
  };
}

async function serving(version: string): Promise<void> {
  await eventually(
    async () => {
      const d = await h.store.deployment("EchoService");
      return d?.state === "serving" && d.currentVersion === version ? d : undefined;
    },
    60_000,
    `${version} serving`,
  );
}

describe("the kubernetes driver", () => {
  it("signals the main container's supervisor, which restarts with freeze-and-overlap: every call across a redeploy gets exactly one reply", async () => {
    const appsDir = join(h.work, "pods", "k8s-pod");
    const port = await freePort();
    const cli = join(fileURLToPath(new URL("..", import.meta.url)), "dist", "cli.js");
    // the main container: `sfn-sidecar supervise <apps>/current`, in the same PID namespace as the sidecar
    const link = join(appsDir, "current");
    supervisor = startSupervisor(h, [process.execPath, cli, "supervise", link], port, "k8s-pod");
    const launcher = supervisorLauncher(port, link);
    await eventually(async () => launcher.findSupervisor(), 10_000, "the supervisor");
    // monitoring mode: the supervisor serves the fixed port itself
    await eventually(
      async () => (await get(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.body,
    );
    expect(await get(`http://127.0.0.1:${port}/healthz`)).toEqual({
      status: 200,
      body: { status: "ok", function: "none" },
    });
    expect((await get(launcher.readyUrl())).status).toBe(503);

    const sidecar = h.sidecar("k8s-pod", { launcher, appsDir });
    await sidecar.start();
    await h.publish("1.0.0", { label: "k1" });
    await h.publish("2.0.0", { label: "k2" });
    await h.publish("3.0.0", { label: "k3", neverReady: true });
    await h.publish("4.0.0", { label: "k4", crashAtStart: true });
    const client = createClient(messaging.createMessaging(ANONYMOUS_USER), "EchoService", {
      topicPrefix: h.topicPrefix,
    });
    const echo = (text: string) => client.echo!({ text }, { timeoutMs: 30_000 });

    await requestDeploy("EchoService", "1.0.0", { store: h.store, by: "test" });
    await serving("1.0.0");
    // the fixed port forwards to the function's own /readyz
    expect(await get(launcher.readyUrl())).toMatchObject({ status: 200, body: { ready: true } });
    expect(await echo("first")).toMatchObject({ text: "first", label: "k1" }); // no retry

    // redeploy while calls flow
    const before = { routed: replies.routed, unexpected: replies.unexpected.length };
    let stop = callStream(echo);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await requestDeploy("EchoService", "2.0.0", { store: h.store, by: "test" });
    await serving("2.0.0");
    await new Promise((resolve) => setTimeout(resolve, 500));
    let answered = everyCallAnsweredOnce(await stop(), before);
    expect(answered.length).toBeGreaterThan(20);
    expect(answered[0]?.label).toBe("k1");
    expect(answered.at(-1)?.label).toBe("k2");

    // a version that never gets ready: the sidecar's deadline passes, the supervisor resumes 2.0.0
    const beforeFailure = { routed: replies.routed, unexpected: replies.unexpected.length };
    stop = callStream(echo);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await requestDeploy("EchoService", "3.0.0", { store: h.store, by: "test", readyDeadlineMs: 2_000 });
    const back = await eventually(
      async () => {
        const d = await h.store.deployment("EchoService");
        return d?.deploymentAction === "rollback" && d.state === "serving" ? d : undefined;
      },
      60_000,
      "the rollback to 2.0.0",
    );
    expect(back.currentVersion).toBe("2.0.0");
    const failure = (await h.store.events("EchoService")).find((e) => e.event === "failed");
    expect(failure).toMatchObject({ version: "3.0.0", details: { code: "SFN_FUNCTION_NOT_READY" } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    answered = everyCallAnsweredOnce(await stop(), beforeFailure);
    expect(new Set(answered.map((r) => r.label))).toEqual(new Set(["k2"]));

    // the function crashes while serving: the supervisor starts it again (back-off 0.5 s); a call sent
    // meanwhile waits in the persistent session and is answered by the new process
    const [crashed, ...others] = functionPids(supervisor.pid!);
    expect(others).toEqual([]); // the old 2.0.0 resumed, the never-ready 3.0.0 killed, nothing frozen left
    process.kill(crashed!, "SIGKILL");
    expect(await echo("after the crash")).toMatchObject({ text: "after the crash", label: "k2" });
    expect(functionPids(supervisor.pid!)).toHaveLength(1);
    expect(functionPids(supervisor.pid!)).not.toContain(crashed);

    // a version that crashes at start: the supervisor resumes 2.0.0 at once, but its /readyz stays 503
    // (2.0.0 is not what the link points to), so the sidecar does not take 2.0.0's answer for 4.0.0
    // being ready: the deadline passes, 4.0.0 fails and the deployment rolls back
    const beforeCrash = { routed: replies.routed, unexpected: replies.unexpected.length };
    stop = callStream(echo);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await requestDeploy("EchoService", "4.0.0", { store: h.store, by: "test", readyDeadlineMs: 2_000 });
    await eventually(
      async () => {
        const events = await h.store.events("EchoService");
        const failed = events.filter((e) => e.event === "failed" && e.version === "4.0.0");
        const d = await h.store.deployment("EchoService");
        return failed.length === 1 && d?.state === "serving" && d.currentVersion === "2.0.0" ? d : undefined;
      },
      60_000,
      "4.0.0 failed and 2.0.0 serving again",
    );
    const events = await h.store.events("EchoService");
    expect(events.filter((e) => e.event === "ready" && e.version === "4.0.0")).toEqual([]);
    expect(events.filter((e) => e.event === "failed").at(-1)).toMatchObject({
      version: "4.0.0",
      details: { code: "SFN_FUNCTION_NOT_READY" },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    answered = everyCallAnsweredOnce(await stop(), beforeCrash);
    expect(new Set(answered.map((r) => r.label))).toEqual(new Set(["k2"]));

    const started = (await h.store.events("EchoService")).filter((e) => e.event === "started");
    expect(started.map((e) => [e.version, e.details])).toEqual([
      ["1.0.0", { driver: "kubernetes" }],
      ["2.0.0", { driver: "kubernetes" }],
      ["3.0.0", { driver: "kubernetes" }],
      ["2.0.0", { driver: "kubernetes" }], // the rollback: the supervisor finds 2.0.0 already running
      ["4.0.0", { driver: "kubernetes" }],
      ["2.0.0", { driver: "kubernetes" }],
    ]);
  });
});

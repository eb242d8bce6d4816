import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Supervisor } from "./supervise.js";

// The same cases as the Python supervisor's (runtimes/python/tests/unit/test_supervise.py), with the same
// stand-in function: it serves /healthz, /metrics and /readyz (200 after READY_AFTER_<label> seconds, never
// when negative) with its label, and exits at once with code 3 when CRASH_<label> is set.
const STAND_IN = `
const label = require("node:fs").readFileSync("label", "utf8").trim();
if (process.env["CRASH_" + label]) { console.error("boom: " + label); process.exit(3); }
const delay = Number(process.env["READY_AFTER_" + label] ?? "0");
const started = Date.now();
require("node:http").createServer((req, res) => {
  const ready = delay >= 0 && (Date.now() - started) / 1000 >= delay;
  res.writeHead(req.url === "/healthz" || req.url === "/metrics" || ready ? 200 : 503);
  res.end(label + " " + req.url + " " + process.env.SFN_REPLICA_ID);
}).listen(Number(process.env.SFN_HTTP_PORT), "127.0.0.1");
`;

interface Pod {
  root: string;
  link: string;
  env: Record<string, string>;
  supervisor: Supervisor;
  log: string[];
}

const pods: Pod[] = [];
afterEach(async () => {
  await Promise.all(pods.splice(0).map((pod) => pod.supervisor.close()));
});

async function startPod(): Promise<Pod> {
  const root = mkdtempSync(join(tmpdir(), "sfn-supervise-"));
  const env: Record<string, string> = { SFN_REPLICA_ID: "pod-1" };
  const log: string[] = [];
  const supervisor = new Supervisor(join(root, "current"), {
    httpPort: 0,
    host: "127.0.0.1",
    command: () => ({ file: process.execPath, args: ["-e", STAND_IN] }),
    env, // read at each start, so a case can set READY_AFTER_… / CRASH_… before it
    stopGraceMs: 2000,
    readyPollMs: 20,
    log: (message) => log.push(message),
  });
  await supervisor.start();
  const pod = { root, link: join(root, "current"), env, supervisor, log };
  pods.push(pod);
  return pod;
}

/** What the sidecar's compose step does: switch the link atomically to the version's directory. */
function pointTo(pod: Pod, label: string): void {
  const dir = join(pod.root, label);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "label"), label);
  const staging = join(pod.root, "current.next");
  try {
    unlinkSync(staging);
  } catch {
    // none
  }
  symlinkSync(dir, staging);
  renameSync(staging, pod.link);
}

async function get(pod: Pod, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${pod.supervisor.port}${path}`);
  return { status: response.status, body: await response.text() };
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ready = async (pod: Pod, label: string) => {
  const { status, body } = await get(pod, "/readyz");
  return status === 200 && body.startsWith(label);
};

/** Switches the link to `label`, signals SIGHUP (converge), waits until that version is ready. */
async function deploy(pod: Pod, label: string) {
  pointTo(pod, label);
  await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
  await eventually(() => ready(pod, label));
  return pod.supervisor.current!;
}

/** The process state letter from /proc (T: frozen by SIGSTOP), or "gone". */
function state(pid: number | undefined): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]!;
  } catch {
    return "gone";
  }
}

describe("the kubernetes supervisor (sfn-sidecar supervise)", () => {
  it("monitoring mode, then the link's target behind the fixed port, under the pod's replica id", async () => {
    const pod = await startPod();
    expect(await get(pod, "/healthz")).toEqual({
      status: 200,
      body: JSON.stringify({ status: "ok", function: "none" }),
    });
    expect((await get(pod, "/readyz")).status).toBe(503);
    expect((await get(pod, "/other")).status).toBe(404);
    const current = await deploy(pod, "v1");
    expect(await get(pod, "/metrics")).toEqual({ status: 200, body: "v1 /metrics pod-1" });
    expect(current.port).not.toBe(pod.supervisor.port);
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge()); // link unchanged
    expect(pod.supervisor.current?.pid).toBe(current.pid);
  });

  it("a restart freezes the old process until the new one is ready, then kills it", async () => {
    const pod = await startPod();
    const old = await deploy(pod, "v1");
    pod.env.READY_AFTER_v2 = "0.5";
    pointTo(pod, "v2");
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
    expect(state(old.pid)).toBe("T");
    expect((await get(pod, "/readyz")).status).toBe(503); // answers for the process taking over
    await eventually(() => ready(pod, "v2"));
    await eventually(() => state(old.pid) === "gone");
  });

  it("SIGWINCH abandons a restart that never gets ready; the old one resumes but /readyz says it is the previous version", async () => {
    const pod = await startPod();
    const old = await deploy(pod, "v1");
    pod.env.READY_AFTER_v3 = "-1";
    pointTo(pod, "v3");
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
    const next = pod.supervisor.current!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await get(pod, "/readyz")).status).toBe(503);
    await pod.supervisor.enqueue("test", () => pod.supervisor.revert());
    expect(["S", "R"]).toContain(state(old.pid));
    await next.whenExited();
    const readyz = await get(pod, "/readyz");
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.body)).toMatchObject({ function: "previous" });
    expect((await get(pod, "/metrics")).body).toMatch(/^v1 /);
    // the sidecar's rollback switches the link back and signals: the running process is the target
    pointTo(pod, "v1");
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
    expect(pod.supervisor.current?.pid).toBe(old.pid);
    expect(await ready(pod, "v1")).toBe(true);
  });

  it("a version that crashes at start gives the old process back, but /readyz never says ready for it", async () => {
    const pod = await startPod();
    const old = await deploy(pod, "v1");
    pod.env.CRASH_v4 = "1";
    pointTo(pod, "v4");
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
    await eventually(() => pod.supervisor.current?.pid === old.pid && pod.supervisor.previous === undefined);
    expect(["S", "R"]).toContain(state(old.pid));
    for (let i = 0; i < 10; i++) {
      expect((await get(pod, "/readyz")).status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pod.log.join("\n")).toContain("exit code 3: boom: v4");
  });

  it("a crash while serving restarts from the link after a back-off", async () => {
    const pod = await startPod();
    const first = await deploy(pod, "v1");
    process.kill(first.pid!, "SIGKILL");
    await first.whenExited();
    expect(first.exited()).toContain("signal SIGKILL");
    await eventually(() => ready(pod, "v1")); // about 0.5 s later
    expect(pod.supervisor.current?.pid).not.toBe(first.pid);
  });

  it("SIGUSR2 stops the function; with the link gone nothing runs", async () => {
    const pod = await startPod();
    const running = await deploy(pod, "v1");
    await pod.supervisor.enqueue("test", () => pod.supervisor.stop());
    expect(state(running.pid)).toBe("gone");
    expect((await get(pod, "/healthz")).body).toBe(JSON.stringify({ status: "ok", function: "none" }));
    unlinkSync(pod.link);
    await pod.supervisor.enqueue("test", () => pod.supervisor.converge());
    expect(pod.supervisor.current).toBeUndefined();
  });
});

import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sidecar } from "../src/sidecar/sidecar.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";

// The built bin, run as a user runs it: `sfn deploy …` is `sfn-sidecar deploy …` (packages/cli routes
// the group with its arguments unchanged to this package's bin).
const bin = join(fileURLToPath(new URL("..", import.meta.url)), "dist", "cli.js");

let h: Harness;
let messaging: MessagingClient;
let sidecar: Sidecar | undefined;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout lines, each with the time it arrived. */
  lines: { at: number; text: string }[];
}

/** Starts `sfn-sidecar <args>` against the harness's database; `done` resolves at its exit. */
function start(args: string[]): { done: Promise<Run>; lines: Run["lines"]; running: () => boolean } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, SFN_DATABASE_URL: h.databaseUrl, SFN_DEPLOYED_BY: "cli-test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Run["lines"] = [];
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<Run>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr, lines })),
  );
  return { done, lines, running: () => child.exitCode === null && child.signalCode === null };
}

const sfn = (...args: string[]) => start(args).done;

/** The event names `sfn deploy` printed, in order (a line: time app version #generation event …). */
function eventNames(run: Run): string[] {
  return run.lines
    .map((l) => l.text.split(" "))
    .filter((w) => /^\d{4}-/.test(w[0] ?? ""))
    .map((w) => w[4]!);
}

async function echo(text: string, timeoutMs = 10_000): Promise<{ label: string }> {
  const client = createClient(messaging.createMessaging(ANONYMOUS_USER), "EchoService", {
    topicPrefix: h.topicPrefix,
  });
  return (await client.echo!({ text }, { timeoutMs })) as { label: string };
}

beforeAll(async () => {
  h = await createHarness("cli");
  messaging = await createMessagingClient({
    url: process.env.SFN_MQTT_URL!,
    clientId: `sidecar-cli-${process.pid}`,
  });
  await h.publish("1.0.0", { label: "c1" });
  await h.publish("2.0.0", { label: "c2" });
  await h.publish("3.0.0", { label: "c3", neverReady: true });
});
afterAll(async () => {
  await h?.close();
  await messaging?.close();
});

describe("the sfn deploy | rollback | undeploy | catalog commands, as the built bin", () => {
  it("sfn catalog list shows the published rows", async () => {
    const run = await sfn("catalog", "list");
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    expect(rows[0]).toEqual(["APP", "VERSION", "STATUS", "LAYER", "BYTES", "IMAGE"]);
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ["EchoService", "1.0.0", "built"],
      ["EchoService", "2.0.0", "built"],
      ["EchoService", "3.0.0", "built"],
    ]);
    const entry = await h.store.catalogEntry("EchoService", "2.0.0");
    expect(rows[2]![3]).toBe(entry!.layerDigest.slice(0, 19));
    expect(rows[2]![5]).toBe(entry!.appLayerImage);

    const json = await sfn("catalog", "list", "EchoService", "--json");
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { version: string }[]).map((e) => e.version)).toEqual([
      "1.0.0",
      "2.0.0",
      "3.0.0",
    ]);
    const none = await sfn("catalog", "show", "EchoService", "9.9.9");
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("NotFound SFN_CATALOG_NOT_FOUND: EchoService 9.9.9 is not in the catalog");
  });

  it("with no pod yet: --no-follow returns at once; a deploy nobody claims times out with exit 1", async () => {
    const request = await sfn("deploy", "EchoService", "2.0.0", "--no-follow");
    expect(request.code, request.stderr).toBe(0);
    expect(request.stdout.trim()).toBe("EchoService: deploy 2.0.0 requested (generation 1)");
    const run = await sfn("deploy", "EchoService", "1.0.0", "--timeout", "1000");
    expect(run.code).toBe(1);
    expect(eventNames(run)).toEqual(["requested"]);
    expect(run.stderr).toContain(
      "TimeoutError SFN_DEPLOY_TIMEOUT: EchoService did not settle within 1000 ms (state pending, no pod has claimed it)",
    );
  });

  it("sfn deploy prints the events as they happen (claimed, …, ready) and exits 0", async () => {
    // Deploy before any pod runs: the command is still following when the sidecar starts.
    const deploy = start(["deploy", "EchoService", "1.0.0"]);
    await eventually(async () => {
      if (!deploy.running()) throw new Error(`sfn deploy ended early: ${(await deploy.done).stderr}`);
      return deploy.lines.some((l) => / requested /.test(l.text)) ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deploy.running()).toBe(true);
    const podStarted = Date.now();
    sidecar = h.sidecar("cli-pod");
    await sidecar.start();
    const run = await deploy.done;
    expect(run.code, run.stderr).toBe(0);
    expect(eventNames(run)).toEqual([
      "requested",
      "claimed",
      "verified",
      "pulled",
      "unpacked",
      "composed",
      "started",
      "ready",
    ]);
    const requested = run.lines.find((l) => / requested /.test(l.text))!;
    const claimed = run.lines.find((l) => / claimed /.test(l.text))!;
    expect(requested.at).toBeLessThan(podStarted); // printed while it happened, not at the end
    expect(claimed.text).toContain("EchoService 1.0.0");
    expect(claimed.text).toContain("(cli-pod)");
    expect(run.lines.at(-1)?.text).toBe("EchoService: serving 1.0.0");
    expect((await echo("a")).label).toBe("c1");
  });

  it("a bad version or an unknown application exits non-zero and names the problem", async () => {
    const version = await sfn("deploy", "EchoService", "9.9.9");
    expect(version.code).toBe(1);
    expect(version.stderr).toContain(
      "NotFound SFN_CATALOG_NOT_FOUND: EchoService has no version 9.9.9 in the catalog (published: 1.0.0, 2.0.0, 3.0.0)",
    );
    const app = await sfn("deploy", "NoSuchApp", "1.0.0");
    expect(app.code).toBe(1);
    expect(app.stderr).toContain(
      "NotFound SFN_CATALOG_UNKNOWN_APP: unknown application NoSuchApp: no version of it is in the catalog",
    );
    const usage = await sfn("deploy", "EchoService");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: sfn deploy <app> <version>");
    const option = await sfn("deploy", "EchoService", "2.0.0", "--dedline", "5");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--dedline'");
    expect(option.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const deadline = await sfn("deploy", "EchoService", "2.0.0", "--deadline", "soon");
    expect(deadline.code).toBe(2);
    expect(deadline.stderr).toContain("--deadline must be an integer");
    // nothing of it reached the deployment
    expect(await h.store.deployment("EchoService")).toMatchObject({
      targetVersion: "1.0.0",
      state: "serving",
    });
    expect(await h.store.deployment("NoSuchApp")).toBeUndefined();
  });

  it("a version that never gets ready: sfn deploy exits 1 naming the failure and the rollback", async () => {
    const run = await sfn("deploy", "EchoService", "3.0.0", "--deadline", "1500");
    expect(run.code).toBe(1);
    const names = eventNames(run);
    expect(names.slice(0, 2)).toEqual(["requested", "verified"]);
    expect(names).toContain("failed");
    expect(names.slice(names.indexOf("failed") + 1, names.indexOf("failed") + 2)).toEqual(["rolled_back"]);
    expect(names.at(-1)).toBe("ready");
    expect(run.stderr).toContain(
      "SystemError SFN_FUNCTION_NOT_READY: deploy EchoService 3.0.0 failed: the function was not ready within 1500 ms; rolled back, serving 1.0.0",
    );
    expect((await echo("b")).label).toBe("c1");
  });

  it("sfn rollback goes back to the previous version; of an unknown application it exits 1", async () => {
    const deploy = await sfn("deploy", "EchoService", "2.0.0");
    expect(deploy.code, deploy.stderr).toBe(0);
    expect((await echo("c")).label).toBe("c2");
    const run = await sfn("rollback", "EchoService");
    expect(run.code, run.stderr).toBe(0);
    expect(eventNames(run)).toEqual(["requested", "verified", "pulled", "composed", "started", "ready"]);
    expect(run.lines.find((l) => / requested /.test(l.text))?.text).toContain('"action":"rollback"');
    expect(run.lines.at(-1)?.text).toBe("EchoService: serving 1.0.0");
    expect((await echo("d")).label).toBe("c1");

    const unknown = await sfn("rollback", "NoSuchApp");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "NotFound SFN_DEPLOY_UNKNOWN_APP: cannot rollback NoSuchApp: it is not deployed",
    );
  });

  it("sfn undeploy stops the function and exits 0; of an unknown application it exits 1", async () => {
    const run = await sfn("undeploy", "EchoService");
    expect(run.code, run.stderr).toBe(0);
    expect(eventNames(run)).toEqual(["requested", "stopped"]);
    expect(run.lines.at(-1)?.text).toBe("EchoService: stopped");
    await expect(echo("e", 1500)).rejects.toMatchObject({ type: "TimeoutError" });
    const unknown = await sfn("undeploy", "NoSuchApp");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "NotFound SFN_DEPLOY_UNKNOWN_APP: cannot undeploy NoSuchApp: it is not deployed",
    );
    await eventually(async () => (sidecar?.state === "monitoring" ? true : undefined));
  });
});

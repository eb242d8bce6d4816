import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { INTERFACE_HASH } from "@sfn/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, eventually, type Harness } from "./support/harness.js";

let h: Harness;
let victim: ChildProcess | undefined;
const apps = ["RaceA", "RaceB", "RaceC", "RaceD", "RaceE"];

beforeAll(async () => {
  h = await createHarness("race");
  for (const app of apps) await h.publish("1.0.0", { name: app, label: app });
});
afterAll(async () => {
  if (victim?.pid !== undefined && victim.exitCode === null && victim.signalCode === null) {
    try {
      process.kill(-victim.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await h?.close();
});

describe("a pool of sidecars", () => {
  it("20 sidecars racing for 5 deployments: every deployment gets exactly one pod", async () => {
    const pool = Array.from({ length: 20 }, (_, i) => h.sidecar(`race-pod-${i}`, { pollIntervalMs: 60_000 }));
    await Promise.all(pool.map((s) => s.start()));
    // one transaction requests all five, so all twenty see them at the same moment (NOTIFY at commit)
    const client = await h.store.pool.connect();
    await client.query("BEGIN");
    for (const app of apps)
      await client.query("SELECT sfn.deployment_request($1, 'deploy', '1.0.0', 'test')", [app]);
    await client.query("COMMIT");
    client.release();
    const rows = await eventually(
      async () => {
        const all = await h.store.deployments();
        return all.length === 5 && all.every((d) => d.state === "serving") ? all : undefined;
      },
      90_000,
      "five serving deployments",
    );
    const pods = rows.map((d) => d.assignedPodId);
    expect(new Set(pods).size).toBe(5);
    const holders = pool.filter((s) => s.app !== undefined);
    expect(holders.map((s) => s.app).sort()).toEqual(apps);
    const claims = await h.store.pool.query(
      "SELECT app_name, count(*)::int AS n FROM sfn.deployment_events WHERE event = 'claimed' GROUP BY app_name",
    );
    expect(claims.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
    expect(pool.filter((s) => s.state === "monitoring").length).toBe(15);
    await Promise.all(pool.map((s) => s.stop()));
    // released on shutdown: nothing is left assigned
    expect((await h.store.deployments()).every((d) => d.assignedPodId === null)).toBe(true);
    for (const app of apps) await h.store.request(app, "undeploy", null, "test");
  });

  it("a killed sidecar's lease expires and another pod takes its deployment over", async () => {
    await h.store.request("RaceA", "deploy", "1.0.0", "test");
    const cli = join(fileURLToPath(new URL("..", import.meta.url)), "dist", "cli.js");
    victim = spawn(process.execPath, [cli, "run"], {
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        SFN_DATABASE_URL: h.databaseUrl,
        SFN_POD_ID: "race-victim",
        SFN_BASE_IMAGE: h.baseImage,
        SFN_INTERFACE_HASH: INTERFACE_HASH,
        SFN_APPS_DIR: join(h.work, "pods", "race-victim"),
        SFN_LEASE_SECONDS: "2",
        SFN_HEARTBEAT_INTERVAL_MS: "300",
        SFN_POLL_INTERVAL_MS: "500",
        SFN_OIDC_ISSUER: "",
        SFN_TOPIC_PREFIX: h.topicPrefix,
        SFN_LOG_LEVEL: "warn",
      },
    });
    await eventually(
      async () => {
        const d = await h.store.deployment("RaceA");
        return d?.assignedPodId === "race-victim" && d.state === "serving" ? d : undefined;
      },
      60_000,
      "the victim to serve RaceA",
    );
    const heir = h.sidecar("race-heir", { pollIntervalMs: 500 });
    await heir.start();
    process.kill(-victim.pid!, "SIGKILL");
    await new Promise((resolve) => victim!.once("exit", resolve)); // the sidecar and its function, like a pod that vanishes
    const taken = await eventually(
      async () => {
        const d = await h.store.deployment("RaceA");
        return d?.assignedPodId === "race-heir" && d.state === "serving" ? d : undefined;
      },
      60_000,
      "the heir to take over",
    );
    expect(taken.currentVersion).toBe("1.0.0");
    const events = await h.store.events("RaceA");
    expect(events.find((e) => e.event === "expired")).toMatchObject({
      podId: "race-victim",
      details: { takenOverBy: "race-heir" },
    });
    expect(events.filter((e) => e.event === "claimed").at(-1)).toMatchObject({
      podId: "race-heir",
      details: { from: "race-victim" },
    });
  });
});

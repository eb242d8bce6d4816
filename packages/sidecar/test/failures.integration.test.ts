import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDeploy } from "../src/build/deploy.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness("failures");
});
afterAll(async () => {
  await h?.close();
});

/** Undeploys (so no other test's pod claims it) and stops the sidecar. */
async function finish(app: string, sidecar: { stop(): Promise<void> }): Promise<void> {
  await h.store.request(app, "undeploy", null, "test");
  await eventually(
    async () => ((await h.store.deployment(app))?.state === "stopped" ? true : undefined),
    30_000,
    `${app} stopped`,
  );
  await sidecar.stop();
}

async function settled(app: string) {
  return eventually(
    async () => {
      const d = await h.store.deployment(app);
      return d && (d.state === "serving" || d.state === "failed") ? d : undefined;
    },
    60_000,
    `${app} to settle`,
  );
}

describe("the sidecar refuses what it must not run", () => {
  it("refuses an application built against other interfaces, reports it, and runs it once approved", async () => {
    const sidecar = h.sidecar("failures-pod-hash");
    await sidecar.start();
    await h.publish("1.0.0", { name: "HashApp", label: "h1", interfaceHash: `sha256:${"0".repeat(64)}` });
    await requestDeploy("HashApp", "1.0.0", { store: h.store, by: "test" });
    const failed = await settled("HashApp");
    expect(failed).toMatchObject({
      state: "failed",
      assignedPodId: null,
      failure: { type: "Conflict", code: "SFN_INTERFACE_INCOMPATIBLE" },
    });
    const events = (await h.store.events("HashApp")).map((e) => e.event);
    expect(events).toContain("failed");
    expect(events).not.toContain("pulled"); // refused before anything was fetched
    expect(sidecar.state).toBe("monitoring");

    await h.store.setCatalogStatus("HashApp", "1.0.0", "approved", "ops", true);
    await requestDeploy("HashApp", "1.0.0", { store: h.store, by: "test" });
    const serving = await settled("HashApp");
    expect(serving.state).toBe("serving");
    const verified = (await h.store.events("HashApp")).filter((e) => e.event === "verified").at(-1);
    expect(verified?.details).toEqual({ verdict: "approved" });
    await finish("HashApp", sidecar);
  });

  it("refuses a layer whose bytes do not match its digest", async () => {
    const sidecar = h.sidecar("failures-pod-digest");
    await sidecar.start();
    const built = await h.publish("1.0.0", { name: "DigestApp", label: "tampered" });
    const hex = built.layer.digest.slice("sha256:".length);
    const blob = join(
      process.env.SFN_TEST_REGISTRY_STORAGE!,
      "docker/registry/v2/blobs/sha256",
      hex.slice(0, 2),
      hex,
      "data",
    );
    expect(existsSync(blob)).toBe(true);
    writeFileSync(blob, Buffer.from("not the layer that was published"));
    await requestDeploy("DigestApp", "1.0.0", { store: h.store, by: "test" });
    const failed = await settled("DigestApp");
    expect(failed).toMatchObject({
      state: "failed",
      failure: { type: "SystemError", code: "SFN_DIGEST_MISMATCH" },
    });
    expect(existsSync(join(h.work, "pods", "failures-pod-digest", "DigestApp", hex))).toBe(false);
    await finish("DigestApp", sidecar);
  });

  it("rolls back to the version that was ready when a new one never becomes ready", async () => {
    const sidecar = h.sidecar("failures-pod-ready");
    await sidecar.start();
    await h.publish("1.0.0", { name: "ReadyApp", label: "good" });
    await h.publish("2.0.0", { name: "ReadyApp", label: "hangs", neverReady: true });
    await requestDeploy("ReadyApp", "1.0.0", { store: h.store, by: "test" });
    expect((await settled("ReadyApp")).state).toBe("serving");
    await requestDeploy("ReadyApp", "2.0.0", { store: h.store, by: "test", readyDeadlineMs: 1500 });
    const back = await eventually(
      async () => {
        const d = await h.store.deployment("ReadyApp");
        return d?.deploymentAction === "rollback" && d.state === "serving" ? d : undefined;
      },
      60_000,
      "the rollback",
    );
    expect(back).toMatchObject({
      targetVersion: "1.0.0",
      currentVersion: "1.0.0",
      assignedPodId: "failures-pod-ready",
    });
    const events = await h.store.events("ReadyApp");
    const failed = events.find((e) => e.event === "failed");
    expect(failed).toMatchObject({ version: "2.0.0", details: { code: "SFN_FUNCTION_NOT_READY" } });
    expect(events.find((e) => e.event === "rolled_back")).toMatchObject({ version: "1.0.0" });
    await finish("ReadyApp", sidecar);
  });

  it("a readiness deadline belongs to its request: the next request without one gets the default 30 s", async () => {
    await h.publish("1.0.0", { name: "DeadlineApp", label: "d1" });
    await h.publish("2.0.0", { name: "DeadlineApp", label: "d2" });
    const deadline = async (version: string | null, ms?: number) =>
      (await h.store.request("DeadlineApp", version === null ? "undeploy" : "deploy", version, "test", ms))
        .readyDeadlineMs;
    expect(await deadline("1.0.0", 1500)).toBe(1500);
    // before migration 0019 these kept 1500 ms, so one quick `--deadline` made every later deploy fragile
    expect(await deadline("2.0.0")).toBe(30_000);
    expect(await deadline("1.0.0", 5000)).toBe(5000);
    expect(await deadline(null)).toBe(30_000);
  });
});

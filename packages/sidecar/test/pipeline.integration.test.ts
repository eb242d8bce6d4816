import { execFileSync } from "node:child_process";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApplication } from "../src/build/build-application.js";
import { requestDeploy } from "../src/build/deploy.js";
import { Annotations } from "../src/oci/media-types.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";
import { writeEchoService } from "./support/services.js";

let h: Harness;
let messaging: MessagingClient;

beforeAll(async () => {
  h = await createHarness("pipeline");
  messaging = await createMessagingClient({
    url: process.env.SFN_MQTT_URL!,
    clientId: `sidecar-pipeline-${process.pid}`,
  });
});
afterAll(async () => {
  await h?.close();
  await messaging?.close();
});

async function echo(text: string): Promise<{ text: string; label: string }> {
  const client = createClient(messaging.createMessaging(ANONYMOUS_USER), "EchoService", {
    topicPrefix: h.topicPrefix,
  });
  return (await client.echo!({ text }, { timeoutMs: 5000 })) as { text: string; label: string };
}

describe("build → publish → deploy → call", () => {
  it("builds the same digest from the same sources, and another from changed sources", async () => {
    const dir = writeEchoService(`${h.work}/repro`, { label: "same" });
    const a = await buildApplication({
      serviceDir: dir,
      version: "1.0.0",
      baseImage: h.baseImage,
      outDir: `${h.work}/repro-a`,
    });
    const b = await buildApplication({
      serviceDir: dir,
      version: "1.0.0",
      baseImage: h.baseImage,
      outDir: `${h.work}/repro-b`,
    });
    expect(b.layer.digest).toBe(a.layer.digest);
    expect(b.manifestDigest).toBe(a.manifestDigest);
    writeEchoService(dir, { label: "changed" });
    const c = await buildApplication({
      serviceDir: dir,
      version: "1.0.0",
      baseImage: h.baseImage,
      outDir: `${h.work}/repro-c`,
    });
    expect(c.layer.digest).not.toBe(a.layer.digest);
  });

  it("publishes to the registry (read back by skopeo) and records the catalog row", async () => {
    const built = await h.publish("1.0.0", { label: "v1" });
    const entry = await h.store.catalogEntry("EchoService", "1.0.0");
    expect(entry).toMatchObject({
      status: "built",
      layerDigest: built.layer.digest,
      interfaceHash: built.interfaceHash,
    });
    const inspected = JSON.parse(
      execFileSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${entry!.appLayerImage}`], {
        encoding: "utf8",
      }),
    ) as { layers: { digest: string }[]; annotations: Record<string, string> };
    expect(inspected.layers.at(-1)?.digest).toBe(built.layer.digest);
    expect(inspected.layers.length).toBe(2); // the base layer + the application layer
    expect(inspected.annotations[Annotations.baseDigest]).toBe(h.baseImage.split("@")[1]);
    expect(inspected.annotations[Annotations.interfaceHash]).toBe(built.interfaceHash);
    const config = JSON.parse(
      execFileSync(
        "skopeo",
        ["inspect", "--tls-verify=false", "--config", `docker://${entry!.appLayerImage}`],
        { encoding: "utf8" },
      ),
    ) as { rootfs: { diff_ids: string[] } };
    expect(config.rootfs.diff_ids.at(-1)).toBe(built.layer.diffId);
  });

  it("a sidecar claims the deployment, the function answers; a new version replaces it; rollback and undeploy", async () => {
    const sidecar = h.sidecar("pipeline-pod-1");
    await sidecar.start();
    await requestDeploy("EchoService", "1.0.0", { store: h.store, by: "test" });
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.state === "serving" ? true : undefined,
    );
    expect((await echo("hi")).label).toBe("v1");

    await h.publish("2.0.0", { label: "v2" });
    await requestDeploy("EchoService", "2.0.0", { store: h.store, by: "test" });
    const v2 = await eventually(async () => {
      const d = await h.store.deployment("EchoService");
      return d?.state === "serving" && d.currentVersion === "2.0.0" ? d : undefined;
    });
    expect(v2).toMatchObject({ assignedPodId: "pipeline-pod-1", previousVersion: "1.0.0" });
    expect((await echo("hi")).label).toBe("v2");

    await h.store.request("EchoService", "rollback", null, "test");
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.currentVersion === "1.0.0" ? true : undefined,
    );
    expect((await echo("again")).label).toBe("v1");
    const events = (await h.store.events("EchoService")).filter((e) => e.event === "pulled");
    expect(events.at(-1)?.details).toMatchObject({ cached: true }); // v1's layer was still on disk

    await h.store.request("EchoService", "undeploy", null, "test");
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.state === "stopped" ? true : undefined,
    );
    // After a stop the sidecar polls again at once, so "claiming" can be seen for a moment.
    await eventually(async () => (sidecar.state === "monitoring" ? true : undefined));
  });

  it("refuses a breaking contract change until the catalog approves it", async () => {
    await h.publish("3.0.0", { label: "v3", requireExtra: true });
    await h.store.request("EchoService", "deploy", "1.0.0", "test");
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.state === "serving" ? true : undefined,
    );
    await expect(requestDeploy("EchoService", "3.0.0", { store: h.store, by: "test" })).rejects.toMatchObject(
      {
        type: "Conflict",
        code: "SFN_CONTRACT_BREAKING_UNAPPROVED",
      },
    );
    await h.store.setCatalogStatus("EchoService", "3.0.0", "approved", "ops", true);
    const { classification } = await requestDeploy("EchoService", "3.0.0", { store: h.store, by: "test" });
    expect(classification?.verdict).toBe("breaking");
  });
});

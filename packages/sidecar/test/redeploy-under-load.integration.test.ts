import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestDeploy } from "../src/build/deploy.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";

let h: Harness;
let messaging: MessagingClient;

beforeAll(async () => {
  h = await createHarness("load");
  messaging = await createMessagingClient({
    url: process.env.SFN_MQTT_URL!,
    clientId: `sidecar-load-${process.pid}`,
  });
});
afterAll(async () => {
  await h?.close();
  await messaging?.close();
});

describe("redeploying while calls flow", () => {
  it("answers every call, first from the old version, then from the new one", async () => {
    await h.publish("1.0.0", { label: "v1" });
    await h.publish("2.0.0", { label: "v2" });
    const sidecar = h.sidecar("load-pod");
    await sidecar.start();
    await requestDeploy("EchoService", "1.0.0", { store: h.store, by: "test" });
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.state === "serving" ? true : undefined,
    );
    const client = createClient(messaging.createMessaging(ANONYMOUS_USER), "EchoService", {
      topicPrefix: h.topicPrefix,
    });
    const results: Promise<{ label: string } | Error>[] = [];
    let flowing = true;
    const flow = (async () => {
      for (let i = 0; flowing; i++) {
        results.push(
          client.echo!({ text: String(i) }, { timeoutMs: 30_000 }).then(
            (r) => r as { label: string },
            (e: Error) => e,
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await requestDeploy("EchoService", "2.0.0", { store: h.store, by: "test" });
    await eventually(async () =>
      (await h.store.deployment("EchoService"))?.currentVersion === "2.0.0" ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    flowing = false;
    await flow;
    const settled = await Promise.all(results);
    const failed = settled.filter((r) => r instanceof Error);
    const labels = settled.filter((r): r is { label: string } => !(r instanceof Error)).map((r) => r.label);
    expect({
      calls: settled.length,
      failed: failed.length,
      firstError: failed[0] && String(failed[0]),
    }).toMatchObject({ failed: 0 });
    expect(labels[0]).toBe("v1");
    expect(labels.at(-1)).toBe("v2");
  });
});

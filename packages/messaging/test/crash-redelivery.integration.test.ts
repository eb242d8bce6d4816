import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { alice, fixtureMqttUrl, openClient, uniqueTopicRoot } from "./support/broker.js";
import { runFixtureProcess } from "./support/child-process.js";

describe("at-least-once across a crash", () => {
  it("redelivers a message to the restarted subscriber after kill -9 mid-handler", async () => {
    const topic = `${uniqueTopicRoot("crash")}/orders`;
    const env = {
      SFN_MQTT_URL: fixtureMqttUrl(),
      CLIENT_ID: `it-crash-${randomBytes(4).toString("hex")}`,
      TOPIC: topic,
    };
    const doomed = runFixtureProcess("subscriber-process.ts", { ...env, MODE: "hang" });
    await doomed.next("ready");
    await (await openClient()).createMessaging(alice).send(topic, { order: 42 });
    const started = await doomed.next("started");
    expect(started).toMatchObject({ body: { order: 42 }, redelivered: false });
    const exited = new Promise((resolve) => doomed.process.once("exit", resolve));
    doomed.process.kill("SIGKILL");
    await exited;

    const restarted = runFixtureProcess("subscriber-process.ts", { ...env, MODE: "quick" });
    const handled = await restarted.next("handled");
    expect(handled).toMatchObject({ body: { order: 42 }, messageId: started.messageId });
    expect(restarted.events.find((e) => e.event === "started")).toMatchObject({ redelivered: true });

    // The resumed session delivers the unacknowledged message once, usually before subscribe() resolved (the
    // handler is attached before CONNECT), and its PUBACK is written as soon as the handler settled. The
    // graceful stop waits for subscribe() ("ready"): a stop while the SUBSCRIBE is still in flight was seen
    // (1 run in 8) to leave the message to the third incarnation — allowed by at-least-once (a close drops
    // whatever arrives while closing, unacknowledged), but not what this test is about.
    await restarted.next("ready");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(restarted.events.filter((e) => e.event === "started")).toHaveLength(1);
    const exitedAgain = new Promise((resolve) => restarted.process.once("exit", resolve));
    restarted.process.kill("SIGTERM");
    await exitedAgain;
    const third = runFixtureProcess("subscriber-process.ts", { ...env, MODE: "quick" });
    await third.next("ready");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      third.events.filter((e) => e.event === "started"),
      `restarted subscriber's events: ${JSON.stringify(restarted.events)}`,
    ).toEqual([]);
  });
});

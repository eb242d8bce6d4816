import { createMessageEnvelope, encodeEnvelope } from "@sfn/contracts";
import type { IPublishPacket } from "mqtt";
import { describe, expect, it } from "vitest";
import { fakeContext, reportedCodes } from "../../test/support/fake-context.js";
import { type Delivery, DeliveryRunner } from "./delivery-runner.js";

function delivery(payload: Buffer, onAck: (code: number) => void, dup = false): Delivery {
  const packet = {
    cmd: "publish",
    topic: "jobs/a",
    payload,
    qos: 1,
    dup,
    retain: false,
    messageId: 1,
  } as IPublishPacket;
  return { packet, slot: { packetId: 1, complete: (code = 0) => onAck(code) } };
}

function later(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("DeliveryRunner", () => {
  it("runs at most `concurrency` handlers at once and acknowledges each after it settled", async () => {
    const context = fakeContext();
    let running = 0;
    let peak = 0;
    const acks: number[] = [];
    const runner = new DeliveryRunner(
      context,
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await later(5);
        running -= 1;
      },
      3,
      () => {},
    );
    for (let i = 0; i < 10; i++) {
      runner.enqueue(delivery(encodeEnvelope(createMessageEnvelope(i)), (code) => acks.push(code)));
    }
    expect(runner.outstanding).toBe(10);
    await expect.poll(() => acks.length).toBe(10);
    expect(peak).toBe(3);
    expect(acks.every((code) => code === 0)).toBe(true);
  });

  it("acknowledges undecodable messages and failed handlers, reporting why", async () => {
    const context = fakeContext();
    const acks: number[] = [];
    const runner = new DeliveryRunner(
      context,
      () => Promise.reject(new Error("handler bug")),
      1,
      () => {},
    );
    runner.enqueue(delivery(Buffer.from("not json"), (code) => acks.push(code)));
    runner.enqueue(delivery(encodeEnvelope(createMessageEnvelope(1)), (code) => acks.push(code)));
    await expect.poll(() => acks.length).toBe(2);
    expect(acks).toEqual([0x99, 0x80]);
    expect(reportedCodes(context)).toEqual(["SFN_ENVELOPE_MALFORMED", "SFN_HANDLER_FAILED"]);
  });

  it("does not run a redelivered copy while the first copy is still being handled", async () => {
    const context = fakeContext();
    let calls = 0;
    const finishers: (() => void)[] = [];
    const finish = () => {
      for (const done of finishers.splice(0)) done();
    };
    const runner = new DeliveryRunner(
      context,
      () => {
        calls += 1;
        return new Promise<void>((resolve) => {
          finishers.push(resolve);
        });
      },
      2,
      () => {},
    );
    const bytes = encodeEnvelope(createMessageEnvelope("once"));
    const acks: string[] = [];
    runner.enqueue(delivery(bytes, () => acks.push("first")));
    runner.enqueue(delivery(bytes, () => acks.push("redelivered"), true));
    await later(10);
    expect(acks).toEqual([]);
    finish();
    await expect.poll(() => acks.length).toBe(2);
    expect(calls).toBe(1);

    // Without the DUP flag the same messageId is a new publish (a sloppy publisher): it is handled.
    runner.enqueue(delivery(bytes, () => acks.push("again")));
    runner.enqueue(delivery(bytes, () => acks.push("again")));
    await expect.poll(() => calls).toBe(3);
    finish();
    await expect.poll(() => acks.length).toBe(4);
  });
});

import type { Messaging } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { boundedMessaging } from "./bounded-messaging.js";

describe("boundedMessaging", () => {
  it("caps nested call timeouts at the incoming call's limit and passes everything else through", async () => {
    const timeouts: number[] = [];
    const sent: string[] = [];
    const inner = {
      async sendAndWait(_topic: string, _request: unknown, timeout: number) {
        timeouts.push(timeout);
        return {} as never;
      },
      async send(topic: string) {
        sent.push(topic);
      },
    } as unknown as Messaging;
    const bounded = boundedMessaging(inner, Date.now() + 1_000)!;
    await bounded.sendAndWait("service/X", { function: "f", parameters: {} }, 60_000);
    await bounded.sendAndWait("service/X", { function: "f", parameters: {} }, 10);
    await bounded.send("events/x", {});
    expect(timeouts[0]).toBeLessThanOrEqual(1_000);
    expect(timeouts[1]).toBe(10);
    expect(sent).toEqual(["events/x"]);
    expect(boundedMessaging(undefined, 0)).toBeUndefined();
  });
});

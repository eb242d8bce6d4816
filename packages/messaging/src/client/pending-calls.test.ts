import { SystemError, TimeoutError } from "@sfn/contracts";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Activity } from "./activity.js";
import { PendingCalls } from "./pending-calls.js";

const call = { topic: "svc", function: "f", timeoutMs: 1000 };

describe("PendingCalls", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times out with SFN_REPLY_TIMEOUT and frees the entry", async () => {
    vi.useFakeTimers();
    const calls = new PendingCalls<string>();
    const reply = calls.register("AAAAAAAAAAAAAAAAAAAAAA", call);
    const outcome = expect(reply).rejects.toMatchObject({ code: "SFN_REPLY_TIMEOUT" });
    vi.advanceTimersByTime(1000);
    await outcome;
    await expect(reply).rejects.toBeInstanceOf(TimeoutError);
    expect(calls.size).toBe(0);
    expect(calls.resolve("AAAAAAAAAAAAAAAAAAAAAA", "late")).toBe(false);
  });

  it("settles once: a reply clears the timer, an abort rejects, duplicates are refused", async () => {
    const calls = new PendingCalls<string>();
    const controller = new AbortController();
    const first = calls.register("a".repeat(22), { ...call, signal: controller.signal });
    expect(() => calls.register("a".repeat(22), call)).toThrow(
      expect.objectContaining({ code: "SFN_INVALID_ARGUMENT" }),
    );
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: "SFN_ABORTED" });
    const second = calls.register("b".repeat(22), call);
    calls.resolve("b".repeat(22), "ok");
    await expect(second).resolves.toBe("ok");
    const third = calls.register("c".repeat(22), call);
    calls.rejectAll(() => new SystemError("closed", { code: "SFN_CLIENT_CLOSED" }));
    await expect(third).rejects.toMatchObject({ code: "SFN_CLIENT_CLOSED" });
    expect(calls.size).toBe(0);
  });

  it("counts each waiting call as activity until it settles, so close() can drain them", async () => {
    const activity = new Activity();
    const calls = new PendingCalls<string>(activity);
    const first = calls.register("d".repeat(22), call);
    const second = calls.register("e".repeat(22), { ...call, timeoutMs: 20 });
    expect(activity.inFlight).toBe(2);
    let drained: boolean | undefined;
    const draining = activity.drain(5_000).then((result) => {
      drained = result;
    });
    calls.resolve("d".repeat(22), "ok");
    await expect(first).resolves.toBe("ok");
    expect(drained).toBeUndefined();
    await expect(second).rejects.toMatchObject({ code: "SFN_REPLY_TIMEOUT" });
    await draining;
    expect(drained).toBe(true);
    expect(activity.inFlight).toBe(0);
  });

  it("rejects a call whose signal already aborted without keeping an entry", async () => {
    const activity = new Activity();
    const calls = new PendingCalls<string>(activity);
    const reply = calls.register("f".repeat(22), { ...call, signal: AbortSignal.abort() });
    await expect(reply).rejects.toMatchObject({ code: "SFN_ABORTED" });
    expect(calls.size).toBe(0);
    expect(activity.inFlight).toBe(0);
  });
});

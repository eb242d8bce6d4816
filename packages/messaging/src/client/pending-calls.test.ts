import { SystemError, TimeoutError } from "@sfn/contracts";
import { afterEach, describe, expect, it, vi } from "vitest";
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
});

import { describe, expect, it } from "vitest";
import { AttemptCounter } from "./attempt-counter.js";
import { prefixed } from "./settings.js";
import { sleep } from "./sleep.js";
import { nestedTraceHeaders } from "./trace-context.js";

describe("AttemptCounter", () => {
  it("numbers the attempts of each callId from 1", () => {
    const attempts = new AttemptCounter();
    expect([attempts.next("a"), attempts.next("a"), attempts.next("b"), attempts.next("a")]).toEqual([
      1, 2, 1, 3,
    ]);
  });

  it("forgets the least recently used callId beyond its capacity", () => {
    const attempts = new AttemptCounter(2);
    attempts.next("a");
    attempts.next("b");
    attempts.next("a");
    attempts.next("c");
    expect(attempts.next("a")).toBe(3);
    expect(attempts.next("b")).toBe(1);
  });
});

describe("nestedTraceHeaders (P-HDR-3)", () => {
  it("keeps the trace id and flags with a new parent-id, and the tracestate", () => {
    const incoming = {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      tracestate: "vendor=x",
      "x-app": "1",
      deadline: "123",
    };
    const nested = nestedTraceHeaders(incoming);
    expect(Object.keys(nested).sort()).toEqual(["traceparent", "tracestate"]);
    expect(nested.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(nested.traceparent).not.toBe(incoming.traceparent);
    expect(nested.tracestate).toBe("vendor=x");
  });

  it("drops a malformed traceparent", () => {
    expect(nestedTraceHeaders({ traceparent: "nonsense" })).toEqual({});
  });
});

describe("prefixed", () => {
  const base = { database: "app", attempts: new AttemptCounter() };
  it("joins the run's prefix with one slash (P-TOP-4)", () => {
    expect(prefixed({ ...base, topicPrefix: "run-1" }, "conformance/notify/t1")).toBe(
      "run-1/conformance/notify/t1",
    );
    expect(prefixed({ ...base, topicPrefix: "run-1/" }, "x")).toBe("run-1/x");
    expect(prefixed({ ...base, topicPrefix: undefined }, "x")).toBe("x");
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const slept = sleep(10_000, controller.signal);
    const reason = new Error("time limit");
    controller.abort(reason);
    await expect(slept).rejects.toBe(reason);
  });
});

import { describe, expect, it, vi } from "vitest";
import { abortError, onAbort, raceAbort, throwIfAborted } from "./abort.js";
import { SystemError, TimeoutError } from "./error-types.js";

describe("abort convention", () => {
  it("turns a plain abort into SystemError SFN_ABORTED and keeps a caller's own reason", () => {
    const plain = new AbortController();
    plain.abort();
    expect(abortError(plain.signal)).toBeInstanceOf(SystemError);
    expect(abortError(plain.signal)).toMatchObject({ code: "SFN_ABORTED", retryable: false });
    const own = new AbortController();
    const reason = new TimeoutError("budget spent", { code: "APP_BUDGET" });
    own.abort(reason);
    expect(abortError(own.signal)).toBe(reason);
    expect(() => throwIfAborted(own.signal)).toThrow(reason);
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });

  it("calls the handler once, at once for an aborted signal, and can be detached", () => {
    const handler = vi.fn();
    const controller = new AbortController();
    const detach = onAbort(controller.signal, handler);
    detach();
    controller.abort();
    expect(handler).not.toHaveBeenCalled();
    onAbort(controller.signal, handler);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("races work against the signal without cancelling the work", async () => {
    const controller = new AbortController();
    let finish: (value: number) => void = () => {};
    const work = new Promise<number>((resolve) => {
      finish = resolve;
    });
    const raced = raceAbort(work, controller.signal);
    controller.abort();
    await expect(raced).rejects.toMatchObject({ code: "SFN_ABORTED" });
    finish(7);
    await expect(work).resolves.toBe(7);
    await expect(raceAbort(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
  });
});

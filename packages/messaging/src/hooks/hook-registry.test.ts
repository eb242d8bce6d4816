import type { HookEvent } from "@sfn/contracts";
import { describe, expect, it, vi } from "vitest";
import { safeLogger } from "../internal/logger.js";
import { HookRegistry } from "./hook-registry.js";

const event: HookEvent = { type: "before-send", topic: "t" };

describe("HookRegistry", () => {
  it("costs nothing without hooks and only returns a promise when a hook is async", async () => {
    const hooks = new HookRegistry(safeLogger({}));
    expect(hooks.run(event)).toBeUndefined();
    const seen: string[] = [];
    hooks.add("before-send", () => {
      seen.push("sync");
    });
    expect(hooks.run(event)).toBeUndefined();
    hooks.add("before-send", async () => {
      seen.push("async");
    });
    await hooks.run(event);
    expect(seen).toEqual(["sync", "sync", "async"]);
  });

  it("reports a throwing or rejecting hook to on-error and goes on", async () => {
    const hooks = new HookRegistry(safeLogger({}));
    const errors: HookEvent[] = [];
    hooks.add("on-error", (e) => {
      errors.push(e);
    });
    const after = vi.fn();
    hooks.add("before-send", () => {
      throw new Error("sync boom");
    });
    hooks.add("before-send", () => Promise.reject(new Error("async boom")));
    hooks.add("before-send", after);
    await hooks.run(event);
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors.map((e) => (e.error as { code: string }).code)).toEqual([
      "SFN_HOOK_FAILED",
      "SFN_HOOK_FAILED",
    ]);
    expect(errors.map((e) => ((e.error as Error).cause as Error).message)).toEqual([
      "sync boom",
      "async boom",
    ]);
  });

  it("logs a failing on-error hook instead of looping, and removes hooks", async () => {
    const warn = vi.fn();
    const hooks = new HookRegistry(safeLogger({ warn }));
    const remove = hooks.add("on-error", () => {
      throw new Error("broken");
    });
    hooks.reportError("t", new Error("x"));
    expect(warn).toHaveBeenCalledTimes(1);
    remove();
    expect(hooks.has("on-error")).toBe(false);
    expect(() => hooks.add("nonsense" as never, () => {})).toThrow(TypeError);
  });
});

import { SystemError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { authFailureReason } from "../errors/auth-errors.js";
import { IssuerLink } from "./issuer-link.js";

describe("IssuerLink", () => {
  it("loads once and keeps the value", async () => {
    let loads = 0;
    const link = new IssuerLink(async () => ++loads, 1000, Date.now);
    await link.start();
    expect(await Promise.all([link.get(), link.get()])).toEqual([1, 1]);
    expect(loads).toBe(1);
  });

  it("turns a failed load into issuer_unavailable, fails fast during the cooldown, then tries once more", async () => {
    let now = 0;
    const attempts: (number | undefined)[] = [];
    let fail = true;
    const link = new IssuerLink(
      async (n) => {
        attempts.push(n);
        if (fail) throw new Error("connect ECONNREFUSED");
        return "ready";
      },
      1000,
      () => now,
    );
    await expect(link.start()).rejects.toThrow("ECONNREFUSED");
    const error = await link.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect(authFailureReason(error)).toBe("issuer_unavailable");
    expect((error as SystemError).retryable).toBe(true);
    expect(attempts).toEqual([undefined]); // within the cooldown: no new attempt

    now = 1000;
    fail = false;
    await expect(link.get()).resolves.toBe("ready");
    expect(attempts).toEqual([undefined, 1]); // one attempt, not a whole retry schedule
  });

  it("lets a caller stop waiting without cancelling the load for others", async () => {
    let release!: (v: string) => void;
    const link = new IssuerLink(() => new Promise<string>((r) => (release = r)), 1000, Date.now);
    void link.start();
    const controller = new AbortController();
    const waiting = link.get(controller.signal);
    const patient = link.get();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "SFN_ABORTED" });
    release("ready");
    await expect(patient).resolves.toBe("ready");
  });
});

import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.js";

describe("Backoff", () => {
  it("doubles up to the maximum and starts over after reset", () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it("spreads delays by the jitter without leaving the bounds", () => {
    const low = new Backoff({ initialDelayMs: 100, jitter: 0.5 }, () => 0);
    const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 120, jitter: 0.5 }, () => 1);
    expect(low.next()).toBe(50);
    expect(high.next()).toBe(120);
  });
});

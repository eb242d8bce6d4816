import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DeadlineTimers, type Timed } from "./deadline-timers.js";

interface Entry extends Timed {
  name: string;
}

function entry(name: string): Entry {
  return { name, due: 0, prevTimed: undefined, nextTimed: undefined, timedList: undefined };
}

describe("DeadlineTimers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("expires each entry at its own timeout, in order, and never a removed one", () => {
    const expired: string[] = [];
    const timers = new DeadlineTimers<Entry>((e) => expired.push(`${e.name}@${Date.now()}`));
    const start = Date.now();
    const [a, b, c, d] = [entry("a"), entry("b"), entry("c"), entry("d")];
    timers.add(a, 100);
    vi.advanceTimersByTime(30);
    timers.add(b, 100);
    timers.add(c, 50);
    timers.add(d, 100);
    timers.remove(a);
    vi.advanceTimersByTime(200);
    expect(expired).toEqual([`c@${start + 80}`, `b@${start + 130}`, `d@${start + 130}`]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps no timer once every entry is removed, and re-arms for a later head", () => {
    const expired: string[] = [];
    const timers = new DeadlineTimers<Entry>((e) => expired.push(e.name));
    const [a, b] = [entry("a"), entry("b")];
    timers.add(a, 1_000);
    timers.remove(a);
    timers.remove(a);
    expect(vi.getTimerCount()).toBe(0);
    timers.add(a, 1_000);
    vi.advanceTimersByTime(500);
    timers.add(b, 1_000);
    timers.remove(a);
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(["b"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("waits out timeouts beyond setTimeout's 2^31-1 ms limit instead of firing at once", () => {
    const expired: string[] = [];
    const timers = new DeadlineTimers<Entry>((e) => expired.push(e.name));
    timers.add(entry("long"), 2 ** 31 + 10_000);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(10_001);
    expect(expired).toEqual(["long"]);
  });

  it("lets onExpire add entries of the same length", () => {
    const expired: string[] = [];
    const timers: DeadlineTimers<Entry> = new DeadlineTimers<Entry>((e) => {
      expired.push(e.name);
      if (e.name === "first") timers.add(entry("second"), 100);
    });
    timers.add(entry("first"), 100);
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(["first", "second"]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

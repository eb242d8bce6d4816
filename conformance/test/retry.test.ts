import { describe, expect, it } from "vitest";
import { onlyLate } from "../src/exec/run-language.js";

// Which failed runs get a second run: only those where every reply came, but late.
describe("onlyLate", () => {
  it("is true when every failure is a late reply", () => {
    expect(onlyLate(["reply to c: arrived after 7027 ms, expected within 4000 ms"])).toBe(true);
    expect(
      onlyLate([
        "reply to a: arrived after 2100 ms, expected within 2000 ms",
        "reply to b: arrived after 2300 ms, expected within 2000 ms",
      ]),
    ).toBe(true);
  });

  it("is false for a missing, wrong or extra reply, alone or next to a late one, and for no failure", () => {
    expect(onlyLate([])).toBe(false);
    expect(onlyLate(["reply to c: no reply"])).toBe(false);
    expect(onlyLate(["reply to c: expected count 200, got 11 matching of 11 replies"])).toBe(false);
    expect(onlyLate(["reply to c: /body/result/value: expected 1, got 2"])).toBe(false);
    expect(
      onlyLate(["reply to a: arrived after 2100 ms, expected within 2000 ms", "reply to b: no reply"]),
    ).toBe(false);
  });
});

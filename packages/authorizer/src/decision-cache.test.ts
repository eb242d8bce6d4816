import { describe, expect, it } from "vitest";
import { DecisionCache } from "./decision-cache.js";

describe("DecisionCache", () => {
  it("asks once per key, shares concurrent asks and forgets on clear", async () => {
    const cache = new DecisionCache();
    let asked = 0;
    const decide = async () => {
      asked++;
      return true;
    };
    await Promise.all([cache.get(["a", 1], decide), cache.get(["a", 1], decide)]);
    await cache.get(["a", 2], decide);
    expect(asked).toBe(2);
    cache.clear();
    await cache.get(["a", 1], decide);
    expect(asked).toBe(3);
  });

  it("does not keep failures", async () => {
    const cache = new DecisionCache();
    await expect(cache.get(["x"], () => Promise.reject(new Error("db down")))).rejects.toThrow();
    expect(await cache.get(["x"], async () => false)).toBe(false);
    expect(cache.size).toBe(1);
  });
});

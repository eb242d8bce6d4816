import { describe, expect, it } from "vitest";
import type { VerifiedIdentity } from "../claims/user-context-mapper.js";
import { ValidationCache, type ValidationOutcome } from "./validation-cache.js";

const identity: VerifiedIdentity = Object.freeze({ userId: "u", roles: [], groups: [] });

function setup(maxEntries = 100, maxBytes = 1024 * 1024) {
  let now = 1_000_000;
  const cache = new ValidationCache({ maxEntries, maxBytes, clock: () => now });
  return { cache, advance: (ms: number) => (now += ms), now: () => now };
}

const ok = (until: number): ValidationOutcome => ({ ok: true, identity, cacheUntilMs: until });

describe("ValidationCache", () => {
  it("keys by a salted SHA-256 digest, never by the token, and differently per instance", () => {
    const { cache } = setup();
    const token = "eyJhbGciOi.secret-payload.sig";
    const key = cache.keyOf(token);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain("secret");
    expect(cache.keyOf(token)).toBe(key);
    expect(setup().cache.keyOf(token)).not.toBe(key);
  });

  it("serves an outcome until its cacheUntilMs, then computes again", async () => {
    const { cache, advance, now } = setup();
    let computed = 0;
    const compute = async () => {
      computed += 1;
      return ok(now() + 1000);
    };
    await cache.resolve("k", compute);
    advance(999);
    await cache.resolve("k", compute);
    expect(computed).toBe(1);
    advance(1);
    await cache.resolve("k", compute);
    expect(computed).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it("never stores an outcome that is already expired (cacheUntilMs 0 = share, do not cache)", async () => {
    const { cache } = setup();
    await cache.resolve("k", async () => ({ ok: false, reason: "signature_invalid", cacheUntilMs: 0 }));
    expect(cache.stats().entries).toBe(0);
  });

  it("runs one computation for concurrent lookups of the same key (single-flight)", async () => {
    const { cache, now } = setup();
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const compute = async () => {
      computed += 1;
      await gate;
      return ok(now() + 1000);
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.resolve("k", compute)));
    release();
    const outcomes = await all;
    expect(computed).toBe(1);
    expect(new Set(outcomes).size).toBe(1);
    expect(cache.stats()).toMatchObject({ misses: 1, joined: 49 });
  });

  it("shares a thrown error with the joined callers but does not cache it", async () => {
    const { cache, now } = setup();
    let computed = 0;
    const failing = async () => {
      computed += 1;
      throw new Error("issuer down");
    };
    const results = await Promise.allSettled([cache.resolve("k", failing), cache.resolve("k", failing)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(computed).toBe(1);
    await expect(cache.resolve("k", async () => ok(now() + 1000))).resolves.toMatchObject({ ok: true });
  });

  it("stays bounded under many distinct tokens (LRU by count)", async () => {
    const { cache, now } = setup(100);
    for (let i = 0; i < 5_000; i += 1)
      await cache.resolve(cache.keyOf(`token-${i}`), async () => ok(now() + 60_000));
    expect(cache.stats().entries).toBe(100);
    // The most recent entries survive.
    expect(cache.lookup(cache.keyOf("token-4999"))).toBeDefined();
    expect(cache.lookup(cache.keyOf("token-0"))).toBeUndefined();
  });

  it("stays bounded by approximate size", async () => {
    const { cache, now } = setup(1_000_000, 64 * 1024);
    const big: VerifiedIdentity = Object.freeze({
      userId: "u",
      roles: [],
      groups: [],
      claims: { blob: "x".repeat(8000) },
    });
    for (let i = 0; i < 100; i += 1) {
      await cache.resolve(`k${i}`, async () => ({ ok: true, identity: big, cacheUntilMs: now() + 60_000 }));
    }
    expect(cache.stats().entries).toBeLessThanOrEqual(8);
  });

  it("caches nothing with maxEntries 0, yet still joins concurrent lookups", async () => {
    const { cache, now } = setup(0);
    let computed = 0;
    const compute = async () => {
      computed += 1;
      return ok(now() + 1000);
    };
    await Promise.all([cache.resolve("k", compute), cache.resolve("k", compute)]);
    await cache.resolve("k", compute);
    expect(computed).toBe(2);
    expect(cache.stats().entries).toBe(0);
  });
});

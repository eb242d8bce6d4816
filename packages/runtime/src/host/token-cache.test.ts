import type { Authenticator, UserContext } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { TokenCache } from "./token-cache.js";

const JWT = "Bearer aaa.bbb.ccc";
const alice: UserContext = Object.freeze({ userId: "alice", roles: [], groups: [] });
const jwtAuthenticator = { mode: "jwt", validateToken: async () => alice } as Authenticator;

function cache(options: { ttlMs?: number; maxEntries?: number; authenticator?: Authenticator } = {}) {
  const clock = { now: 1_000_000 };
  const tokens = new TokenCache(options.authenticator ?? jwtAuthenticator, {
    ttlMs: options.ttlMs ?? 10_000,
    maxEntries: options.maxEntries ?? 100,
    now: () => clock.now,
  });
  return { tokens, clock };
}

describe("TokenCache (validated JWTs in front of the authenticator)", () => {
  it("returns the cached user of a header until the TTL passes", () => {
    const { tokens, clock } = cache();
    expect(tokens.get(JWT)).toBeUndefined();
    tokens.set(JWT, alice);
    expect(tokens.get(JWT)).toBe(alice);
    clock.now += 9_999;
    expect(tokens.get(JWT)).toBe(alice);
    clock.now += 1;
    expect(tokens.get(JWT)).toBeUndefined();
    expect(tokens.size).toBe(0);
  });

  it("never keeps a user past the token's own expiry", () => {
    const { tokens, clock } = cache();
    tokens.set(JWT, { ...alice, expiresAt: clock.now / 1000 + 2 });
    clock.now += 1_999;
    expect(tokens.get(JWT)?.userId).toBe("alice");
    clock.now += 1;
    expect(tokens.get(JWT)).toBeUndefined();
    tokens.set(JWT, { ...alice, expiresAt: clock.now / 1000 - 1 });
    expect(tokens.get(JWT)).toBeUndefined();
  });

  it("keeps JWT-shaped bearer headers only: opaque tokens always go to the authenticator", () => {
    const { tokens } = cache();
    tokens.set("Bearer opaque-token", alice);
    tokens.set("aaa.bbb.ccc", alice);
    expect(tokens.get("Bearer opaque-token")).toBeUndefined();
    expect(tokens.get("aaa.bbb.ccc")).toBeUndefined();
  });

  it("is off in front of an introspection-mode authenticator and with a TTL of 0", () => {
    for (const tokens of [
      cache({ authenticator: { ...jwtAuthenticator, mode: "introspection" } as Authenticator }).tokens,
      cache({ ttlMs: 0 }).tokens,
    ]) {
      tokens.set(JWT, alice);
      expect(tokens.get(JWT)).toBeUndefined();
    }
  });

  it("tells apart long tokens that end alike", () => {
    const { tokens } = cache();
    const tail = "s".repeat(80);
    tokens.set(`Bearer a.b.${tail}`, alice);
    expect(tokens.get(`Bearer a.b.${tail}`)).toBe(alice);
    expect(tokens.get(`Bearer x.y.${tail}`)).toBeUndefined();
  });

  it("is bounded: beyond maxEntries the oldest entry goes", () => {
    const { tokens } = cache({ maxEntries: 2 });
    tokens.set("Bearer a.a.a", alice);
    tokens.set("Bearer b.b.b", alice);
    tokens.set("Bearer c.c.c", alice);
    expect(tokens.size).toBe(2);
    expect(tokens.get("Bearer a.a.a")).toBeUndefined();
    expect(tokens.get("Bearer c.c.c")).toBe(alice);
  });
});

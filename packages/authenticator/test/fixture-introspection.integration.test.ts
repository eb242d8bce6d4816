import { fixtureUsers, mintClientToken, mintToken, resourceServerClient } from "@sfn/testkit";
import * as oidc from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import type { OidcAuthenticator } from "../src/index.js";
import { countingFetch } from "./support/counting-fetch.js";
import { fixture, fixtureAuthenticator, JWT_AUDIENCE, OPAQUE_AUDIENCE } from "./support/fixture.js";
import { expectRejected } from "./support/rejections.js";

// RFC 7662 introspection of opaque tokens at the shared fixture's real issuer.

const opaque = (user: keyof typeof fixtureUsers, ttl?: number) =>
  mintToken(user, { resource: OPAQUE_AUDIENCE, ...(ttl === undefined ? {} : { ttl }) });
const introspections = (fetch: ReturnType<typeof countingFetch>) => fetch.count("/token/introspection");

let auth: OidcAuthenticator;

beforeAll(async () => {
  auth = await fixtureAuthenticator();
});

describe("opaque tokens by introspection (auto mode)", () => {
  it("map to the same UserContext as the JWT of the same user", async () => {
    const token = await opaque("carol");
    const byIntrospection = await auth.validateToken(`Bearer ${token}`);
    const byJwt = await auth.validateToken(await mintToken("carol"));
    for (const member of ["userId", "email", "roles", "groups", "tenant", "clientId"] as const) {
      expect(byIntrospection[member]).toEqual(byJwt[member]);
    }
    expect(byIntrospection.token).toBe(token);
    expect(byIntrospection.claims).toMatchObject({ aud: OPAQUE_AUDIENCE, iss: fixture().issuer });
  });

  it("ask the issuer once for concurrent validations of one token, then answer from the cache", async () => {
    const fetch = countingFetch();
    const counted = await fixtureAuthenticator({ fetch });
    const token = await opaque("alice");
    const contexts = await Promise.all(Array.from({ length: 25 }, () => counted.validateToken(token)));
    expect(new Set(contexts.map((c) => c.userId))).toEqual(new Set([fixtureUsers.alice.id]));
    expect(introspections(fetch)).toBe(1);
    for (let i = 0; i < 100; i += 1) await counted.validateToken(token);
    expect(introspections(fetch)).toBe(1);
    expect(counted.cacheStats()).toMatchObject({ misses: 1, joined: 24, hits: 100 });
  });

  it("sees a revocation once the cached answer expires (cache TTL)", async () => {
    let now = Date.now();
    const fetch = countingFetch();
    const ttl = await fixtureAuthenticator({
      fetch,
      clock: () => now,
      introspection: { ...fixture().introspection, cacheTtlMs: 5_000 },
    });
    const token = await opaque("bob");
    await ttl.validateToken(token);
    await oidc.tokenRevocation(await resourceServerClient(), token);
    await expect(ttl.validateToken(token)).resolves.toMatchObject({ userId: fixtureUsers.bob.id }); // cached
    now += 5_000;
    await expectRejected(ttl.validateToken(token), "token_inactive", token);
    expect(introspections(fetch)).toBe(2);
  });

  it("a revoked token with introspection mandatory and caching off is rejected at once", async () => {
    const strict = await fixtureAuthenticator({
      mode: "introspection",
      introspection: { ...fixture().introspection, cacheTtlMs: 0 },
    });
    const token = await opaque("alice");
    await strict.validateToken(token);
    await oidc.tokenRevocation(await resourceServerClient(), token);
    await expectRejected(strict.validateToken(token), "token_inactive", token);
  });

  it("never caches past the token's expiry, even with a long TTL", async () => {
    const long = await fixtureAuthenticator({
      clockToleranceSec: 0,
      introspection: { ...fixture().introspection, cacheTtlMs: 3_600_000 },
    });
    // Long enough to be valid at the first validation on a loaded machine, short enough to wait out.
    const token = await opaque("alice", 3);
    await long.validateToken(token);
    await new Promise((r) => setTimeout(r, 3_300));
    await expectRejected(long.validateToken(token), "token_inactive", token);
  });

  it("an opaque random string is inactive", async () => {
    await expectRejected(
      auth.validateToken("b3BhcXVlLXJhbmRvbS12YWx1ZS10aGF0LWlzLW5vdC1hLXRva2Vu"),
      "token_inactive",
    );
  });

  it("an opaque token for another audience", async () => {
    const jwtAudienceOnly = await fixtureAuthenticator({ audience: JWT_AUDIENCE });
    await expectRejected(jwtAudienceOnly.validateToken(await opaque("alice")), "audience_mismatch");
  });

  it("a client-credentials opaque token has no sub unless mapped from client_id", async () => {
    const token = await mintClientToken({ resource: OPAQUE_AUDIENCE });
    await expectRejected(auth.validateToken(token), "claims_invalid", token);
    const services = await fixtureAuthenticator({ claims: { userId: ["sub", "client_id"] } });
    await expect(services.validateToken(token)).resolves.toMatchObject({ userId: "sfn-test" });
  });

  it("a JWT in introspection mode: oidc-provider will not introspect JWTs, so it is inactive", async () => {
    const strict = await fixtureAuthenticator({ mode: "introspection" });
    await expectRejected(strict.validateToken(await mintToken("alice")), "token_inactive");
  });

  it("wrong resource-server credentials make the issuer unusable, not the token bad", async () => {
    const { issuer, introspection } = fixture();
    const misconfigured = await fixtureAuthenticator({
      introspection: { ...introspection, clientSecret: "wrong" },
    });
    const error = await expectRejected(
      misconfigured.validateToken(await opaque("alice")),
      "issuer_unavailable",
    );
    expect(error.message).not.toContain(issuer);
  });

  it("client_secret_post works as well", async () => {
    const post = await fixtureAuthenticator({
      introspection: { ...fixture().introspection, authMethod: "client_secret_post" },
    });
    await expect(post.validateToken(await opaque("carol"))).resolves.toMatchObject({
      userId: fixtureUsers.carol.id,
    });
  });
});

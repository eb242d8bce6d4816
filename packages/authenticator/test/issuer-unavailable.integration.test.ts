import { SystemError, ValidationError } from "@sfn/contracts";
import { mintToken } from "@sfn/testkit";
import { describe, expect, it } from "vitest";
import { createAuthenticator } from "../src/index.js";
import { countingFetch } from "./support/counting-fetch.js";
import { fixture } from "./support/fixture.js";
import { LocalIssuer } from "./support/local-issuer.js";
import { closedPort, expectRejected } from "./support/rejections.js";

const AUDIENCE = "urn:local:api";
const fastRetry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 };

describe("an issuer that cannot be reached", () => {
  it("fails discovery with a retryable SystemError issuer_unavailable after retrying", async () => {
    const fetch = countingFetch();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await createAuthenticator(url, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      discovery: fastRetry,
      fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemError);
    expect(error).toMatchObject({
      code: "SFN_UNAUTHENTICATED",
      details: { reason: "issuer_unavailable" },
      retryable: true,
    });
    expect(fetch.count()).toBe(3);
  });

  it("in background discovery, fails validations with issuer_unavailable, distinct from a bad token", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const auth = await createAuthenticator(url, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      discovery: { ...fastRetry, background: true, retryCooldownMs: 0 },
    });
    const token = await mintToken("alice");
    await expectRejected(auth.validateToken(token), "issuer_unavailable", token);
    // Token problems found before the issuer is needed are still reported as such.
    await expectRejected(auth.validateToken("Bearer"), "token_missing");
  });

  it("recovers when the issuer comes up after a background discovery failed", async () => {
    const issuer = await LocalIssuer.start();
    await issuer.addKey("k1");
    const url = issuer.url;
    await issuer.stop();
    const auth = await createAuthenticator(url, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      discovery: { ...fastRetry, background: true, retryCooldownMs: 0 },
    });
    const token = await issuer.sign("k1");
    await expectRejected(auth.validateToken(token), "issuer_unavailable", token);
    await issuer.listen();
    try {
      await expect(auth.validateToken(token)).resolves.toMatchObject({ userId: "local-user" });
    } finally {
      await issuer.stop();
    }
  });

  it("keeps validating known keys while the issuer is down, and calls an unseen kid unavailable, not unknown", async () => {
    const issuer = await LocalIssuer.start();
    await issuer.addKey("k1");
    await issuer.addKey("k2", "RS256", false);
    const auth = await createAuthenticator(issuer.url, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      jwks: { cooldownMs: 0 },
      cache: { jwtTtlMs: 0 },
    });
    const known = await issuer.sign("k1");
    await auth.validateToken(known);
    await issuer.stop();
    await expect(auth.validateToken(await issuer.sign("k1", { jti: "second" }))).resolves.toMatchObject({
      userId: "local-user",
    });
    await expectRejected(auth.validateToken(await issuer.sign("k2")), "issuer_unavailable");
  });

  it("uses the last key set past its max age while the issuer is down (stale-if-error), then gives up", async () => {
    const issuer = await LocalIssuer.start();
    await issuer.addKey("k1");
    const withStale = (staleIfErrorMs: number) =>
      createAuthenticator(issuer.url, {
        audience: AUDIENCE,
        allowInsecureRequests: true,
        jwks: { cacheMaxAgeMs: 50, staleIfErrorMs },
        cache: { jwtTtlMs: 0 },
      });
    const tolerant = await withStale(60_000);
    const strict = await withStale(0);
    await tolerant.validateToken(await issuer.sign("k1"));
    await strict.validateToken(await issuer.sign("k1"));
    await issuer.stop();
    await new Promise((r) => setTimeout(r, 100));
    await expect(tolerant.validateToken(await issuer.sign("k1"))).resolves.toMatchObject({
      userId: "local-user",
    });
    await expectRejected(strict.validateToken(await issuer.sign("k1")), "issuer_unavailable");
  });

  it("reports an unreachable introspection endpoint as issuer_unavailable", async () => {
    const issuer = await LocalIssuer.start();
    issuer.setMetadata({ introspection_endpoint: `http://127.0.0.1:${await closedPort()}/introspect` });
    try {
      const auth = await createAuthenticator(issuer.url, {
        audience: AUDIENCE,
        allowInsecureRequests: true,
        introspection: { clientId: "rs", clientSecret: "secret" },
        httpTimeoutMs: 2_000,
      });
      await expectRejected(auth.validateToken("b3BhcXVlLXRva2VuLXZhbHVl"), "issuer_unavailable");
    } finally {
      await issuer.stop();
    }
  });
});

describe("an issuer that answers something unusable", () => {
  it("rejects a discovery URL that 404s with a ValidationError, without retrying", async () => {
    const fetch = countingFetch();
    const error = await createAuthenticator(`${fixture().issuer}/no-such-issuer`, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(fetch.count()).toBe(1);
  });

  it("rejects an issuer that is not the pinned one", async () => {
    const error = await createAuthenticator(fixture().issuer, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      issuer: "https://issuer.example.test",
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ type: "ValidationError", details: { setting: "issuer" } });
  });

  it("rejects an issuer whose metadata lacks the endpoint the mode needs", async () => {
    // Discovery over http is allowed here, but mode introspection needs an endpoint the metadata lacks.
    const issuer = await LocalIssuer.start();
    try {
      const error = await createAuthenticator(issuer.url, {
        audience: AUDIENCE,
        allowInsecureRequests: true,
        mode: "introspection",
        introspection: { clientId: "rs", clientSecret: "secret" },
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ type: "ValidationError", details: { setting: "mode" } });
    } finally {
      await issuer.stop();
    }
  });

  it("accepts the discovery document URL itself", async () => {
    const auth = await createAuthenticator(`${fixture().issuer}/.well-known/openid-configuration`, {
      audience: "urn:sfn:api",
      allowInsecureRequests: true,
    });
    await expect(auth.validateToken(await mintToken("bob"))).resolves.toMatchObject({
      email: "bob@example.test",
    });
  });

  it("can be cancelled while discovery retries", async () => {
    const controller = new AbortController();
    const pending = createAuthenticator(`http://127.0.0.1:${await closedPort()}`, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      discovery: { attempts: 100, initialDelayMs: 1_000, maxDelayMs: 1_000 },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ type: "SystemError", code: "SFN_ABORTED" });
  });
});

describe("token problems found without the issuer", () => {
  it("are reported as such even while the issuer is unreachable", async () => {
    const auth = await createAuthenticator(`http://127.0.0.1:${await closedPort()}`, {
      audience: AUDIENCE,
      allowInsecureRequests: true,
      introspection: { clientId: "rs", clientSecret: "secret" },
      discovery: { ...fastRetry, background: true },
    });
    await expectRejected(auth.validateToken(""), "token_missing");
    await expectRejected(auth.validateToken(`Bearer ${"a".repeat(20_000)}`), "token_too_large");
    await expectRejected(auth.validateToken("Bearer eyJhbGciOi.e30!.sig"), "token_malformed");
    await expectRejected(auth.validateToken('Bearer "quoted"'), "token_malformed");
    await expectRejected(auth.validateToken("b3BhcXVl"), "issuer_unavailable");
  });
});

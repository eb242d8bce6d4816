import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAuthenticator, type OidcAuthenticator } from "../src/index.js";
import { LocalIssuer } from "./support/local-issuer.js";
import { expectRejected } from "./support/rejections.js";

// Key rotation, against a real HTTP issuer whose key set the test controls (the fixture issuer
// cannot add a key at run time: oidc-provider reads its keys once, at start).

const AUDIENCE = "urn:local:api";
let issuer: LocalIssuer;

const jwksFetches = () => issuer.requests.filter((p) => p === "/jwks").length;
const authFor = (options: { cooldownMs?: number; cacheMaxAgeMs?: number } = {}): Promise<OidcAuthenticator> =>
  createAuthenticator(issuer.url, {
    audience: AUDIENCE,
    allowInsecureRequests: true,
    jwks: { cooldownMs: options.cooldownMs ?? 0, cacheMaxAgeMs: options.cacheMaxAgeMs ?? 600_000 },
    cache: { jwtTtlMs: 0 },
  });

beforeEach(async () => {
  issuer = await LocalIssuer.start();
  await issuer.addKey("k1");
});

afterEach(async () => {
  await issuer.stop();
});

describe("JWKS key rotation", () => {
  it("picks up a newly published key on first sight of its kid", async () => {
    const auth = await authFor();
    await auth.validateToken(await issuer.sign("k1"));
    expect(jwksFetches()).toBe(1);

    await issuer.addKey("k2");
    issuer.publish(["k2", "k1"]);
    await expect(auth.validateToken(await issuer.sign("k2"))).resolves.toMatchObject({
      userId: "local-user",
    });
    expect(jwksFetches()).toBe(2);
    // Both keys now validate without further fetches.
    await auth.validateToken(await issuer.sign("k1", { jti: "a" }));
    await auth.validateToken(await issuer.sign("k2", { jti: "b" }));
    expect(jwksFetches()).toBe(2);
  });

  it("drops a withdrawn key when the key set is next refreshed", async () => {
    const auth = await authFor({ cacheMaxAgeMs: 100 });
    await auth.validateToken(await issuer.sign("k1"));
    await issuer.addKey("k2");
    issuer.publish(["k2"]);
    await new Promise((r) => setTimeout(r, 150));
    await expectRejected(auth.validateToken(await issuer.sign("k1")), "key_unknown");
    await expect(auth.validateToken(await issuer.sign("k2"))).resolves.toBeDefined();
  });

  it("rate-limits refetches for unknown kids (cooldown), so forged kids cannot flood the issuer", async () => {
    const auth = await authFor({ cooldownMs: 60_000 });
    await auth.validateToken(await issuer.sign("k1"));
    await issuer.addKey("unpublished", "RS256", false);
    for (let i = 0; i < 20; i += 1) {
      await expectRejected(
        auth.validateToken(await issuer.sign("unpublished", { jti: `f${i}` })),
        "key_unknown",
      );
    }
    expect(jwksFetches()).toBe(1);
  });

  it("tries every candidate key when a token has no kid and several keys match", async () => {
    await issuer.addKey("k2");
    issuer.publishWithoutKids(["k1", "k2"]);
    const auth = await authFor();
    for (const kid of ["k1", "k2"]) {
      const token = await issuer.sign(kid, {}, { typ: "at+jwt", kid: null });
      await expect(auth.validateToken(token)).resolves.toMatchObject({ userId: "local-user" });
    }
    await issuer.addKey("k3", "RS256", false);
    await expectRejected(auth.validateToken(await issuer.sign("k3", {}, { kid: null })), "signature_invalid");
  });

  it("supports ES256 and EdDSA issuers", async () => {
    await issuer.addKey("ec", "ES256");
    await issuer.addKey("ed", "EdDSA");
    const auth = await authFor();
    await expect(auth.validateToken(await issuer.sign("ec"))).resolves.toBeDefined();
    await expect(auth.validateToken(await issuer.sign("ed"))).resolves.toBeDefined();
  });
});

describe("claims only a controllable issuer can mint", () => {
  it("nbf in the future is not yet valid", async () => {
    const auth = await authFor();
    const token = await issuer.sign("k1", { nbf: Math.floor(Date.now() / 1000) + 600 });
    await expectRejected(auth.validateToken(token), "token_not_yet_valid", token);
  });

  it("a token without exp, sub or a sensible typ is refused", async () => {
    const auth = await authFor();
    await expectRejected(auth.validateToken(await issuer.sign("k1", { exp: undefined })), "claims_invalid");
    await expectRejected(auth.validateToken(await issuer.sign("k1", { sub: undefined })), "claims_invalid");
    await expectRejected(
      auth.validateToken(await issuer.sign("k1", {}, { typ: "dpop+jwt" })),
      "claims_invalid",
    );
    await expect(auth.validateToken(await issuer.sign("k1", {}, { typ: "JWT" }))).resolves.toBeDefined();
    await expect(auth.validateToken(await issuer.sign("k1", {}, {}))).resolves.toBeDefined();
  });

  it("maps Keycloak, Auth0 and Entra ID shaped tokens with the default mapping", async () => {
    const auth = await authFor();
    const keycloak = await auth.validateToken(
      await issuer.sign("k1", {
        realm_access: { roles: ["user"] },
        resource_access: { [AUDIENCE]: { roles: ["api-admin"] }, other: { roles: ["other-admin"] } },
        azp: "spa",
      }),
    );
    expect([...keycloak.roles].sort()).toEqual(["api-admin", "user"]);
    expect(keycloak.clientId).toBe("spa");

    const auth0 = await auth.validateToken(
      await issuer.sign("k1", {
        permissions: ["read:orders"],
        "https://sfn.example.test/roles": ["editor"],
        org_id: "org_1",
      }),
    );
    expect([...auth0.roles].sort()).toEqual(["editor", "read:orders"]);
    expect(auth0.tenant).toBe("org_1");

    const entra = await auth.validateToken(
      await issuer.sign(
        "k1",
        { roles: ["Orders.Write"], tid: "tenant-guid", appid: "app-guid" },
        { typ: "JWT" },
      ),
    );
    expect(entra).toMatchObject({ roles: ["Orders.Write"], tenant: "tenant-guid", clientId: "app-guid" });
  });
});

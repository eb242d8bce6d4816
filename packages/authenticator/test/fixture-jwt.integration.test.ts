import { hasRole, wireValidator } from "@sfn/contracts";
import { fixtureUsers, mintClientToken, mintToken } from "@sfn/testkit";
import {
  base64url,
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OidcAuthenticator } from "../src/index.js";
import { countingFetch } from "./support/counting-fetch.js";
import { fixture, fixtureAuthenticator, JWT_AUDIENCE } from "./support/fixture.js";
import { LocalIssuer } from "./support/local-issuer.js";
import { expectRejected } from "./support/rejections.js";

// Local JWT validation against the shared fixture's real oidc-provider issuer. Every bad token is a
// real token of that issuer, modified, or one signed with our own keys.

let auth: OidcAuthenticator;
let carolToken: string;

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
const parts = (token: string) => token.split(".") as [string, string, string];

beforeAll(async () => {
  auth = await fixtureAuthenticator({ clockToleranceSec: 0 });
  carolToken = await mintToken("carol");
});

describe("valid tokens of the fixture issuer", () => {
  it("map every fixture user to a UserContext", async () => {
    for (const user of Object.values(fixtureUsers)) {
      const token = await mintToken(user.username);
      const context = await auth.validateToken(`Bearer ${token}`);
      expect(context).toMatchObject({
        userId: user.id,
        email: user.email,
        tenant: user.tenant,
        clientId: "sfn-test",
        token,
      });
      expect([...context.roles].sort()).toEqual([...user.roles].sort());
      expect([...context.groups].sort()).toEqual([...user.groups].sort());
      expect(context.tokenId).toBe(decodeJwt(token).jti);
      expect(context.expiresAt).toBe(decodeJwt(token).exp);
      expect(wireValidator().validate("UserContext", context).valid).toBe(true);
    }
  });

  it("gives hasRole what RBAC needs", async () => {
    const carol = await auth.validateToken(carolToken);
    const mallory = await auth.validateToken(await mintToken("mallory"));
    expect(hasRole(carol, "admin")).toBe(true);
    expect(hasRole(mallory, "user")).toBe(false);
    expect(mallory.roles).toEqual([]);
  });

  it("accepts the Bearer scheme in any case and surrounding whitespace", async () => {
    for (const header of [
      `Bearer ${carolToken}`,
      `bearer ${carolToken}`,
      `BEARER  ${carolToken} `,
      carolToken,
    ]) {
      await expect(auth.validateToken(header)).resolves.toMatchObject({ userId: fixtureUsers.carol.id });
    }
  });

  it("accepts a client-credentials token, whose subject is the client", async () => {
    const context = await auth.validateToken(await mintClientToken());
    expect(context).toMatchObject({ userId: "sfn-test", clientId: "sfn-test", roles: [], groups: [] });
  });

  it("validates from memory once warm: no request to the issuer per validation", async () => {
    const fetch = countingFetch();
    const warm = await fixtureAuthenticator({ fetch, cache: { jwtTtlMs: 0 } });
    const token = await mintToken("alice");
    await warm.validateToken(token);
    const before = fetch.count();
    for (let i = 0; i < 50; i += 1) await warm.validateToken(await mintToken("alice", { ttl: 600 + i }));
    expect(fetch.count()).toBe(before);
    expect(fetch.count("/jwks")).toBe(1);
  });
});

describe("bad input against the fixture issuer", () => {
  it("expired (ttl 3 s), also when the identity was cached while valid", async () => {
    // Long enough to be valid at the first validation on a loaded machine.
    const token = await mintToken("alice", { ttl: 3 });
    await auth.validateToken(token);
    const exp = decodeJwt(token).exp! * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, exp - Date.now()) + 50));
    await expectRejected(auth.validateToken(token), "token_expired", token);
  });

  it("not yet valid: our clock ten minutes behind the issuer's (iat in the future)", async () => {
    const behind = await fixtureAuthenticator({ clock: () => Date.now() - 600_000 });
    await expectRejected(behind.validateToken(carolToken), "token_not_yet_valid", carolToken);
  });

  it("not yet valid within the clock tolerance is accepted", async () => {
    const slightlyBehind = await fixtureAuthenticator({
      clock: () => Date.now() - 10_000,
      clockToleranceSec: 30,
    });
    await expect(slightlyBehind.validateToken(carolToken)).resolves.toMatchObject({
      userId: fixtureUsers.carol.id,
    });
  });

  it("wrong issuer: genuinely signed by the fixture's keys, but our trusted issuer is another", async () => {
    // A real issuer at another address that publishes the fixture's JWKS: the signature verifies,
    // only the issuer differs.
    const other = await LocalIssuer.start({ metadata: { jwks_uri: `${fixture().issuer}/jwks` } });
    try {
      const { createAuthenticator } = await import("../src/index.js");
      const trustingOther = await createAuthenticator(other.url, {
        audience: JWT_AUDIENCE,
        allowInsecureRequests: true,
      });
      await expectRejected(trustingOther.validateToken(carolToken), "issuer_mismatch", carolToken);
    } finally {
      await other.stop();
    }
  });

  it("wrong audience", async () => {
    const otherApi = await fixtureAuthenticator({
      audience: "urn:other:api",
      mode: "jwt",
      introspection: undefined,
    });
    await expectRejected(otherApi.validateToken(carolToken), "audience_mismatch", carolToken);
  });

  it("tampered signature", async () => {
    const [h, p, s] = parts(carolToken);
    const flipped = `${s.slice(0, 20)}${s[20] === "A" ? "B" : "A"}${s.slice(21)}`;
    await expectRejected(auth.validateToken(`${h}.${p}.${flipped}`), "signature_invalid", carolToken);
  });

  it("tampered payload: mallory promotes herself with carol's signature", async () => {
    const mallory = await mintToken("mallory");
    const [h, p, s] = parts(mallory);
    const claims = { ...decodeJwt(mallory), roles: ["admin"], realm_access: { roles: ["admin"] } };
    const forged = `${h}.${encode(claims)}.${s}`;
    await expectRejected(auth.validateToken(forged), "signature_invalid", forged);
    expect(p).not.toBe(encode(claims));
  });

  it("signed by an unknown key", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(decodeJwt(carolToken))
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: "not-the-issuers-key" })
      .sign(privateKey);
    await expectRejected(auth.validateToken(forged), "key_unknown", forged);
  });

  it("signed by our own key under the issuer's kid", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const { kid } = decodeProtectedHeader(carolToken);
    const forged = await new SignJWT(decodeJwt(carolToken))
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: kid! })
      .sign(privateKey);
    await expectRejected(auth.validateToken(forged), "signature_invalid", forged);
  });

  it("alg none", async () => {
    const [, p] = parts(carolToken);
    const unsigned = `${encode({ alg: "none", typ: "at+jwt" })}.${p}.`;
    await expectRejected(auth.validateToken(unsigned), "algorithm_not_allowed", unsigned);
  });

  it("HS256 signed with the issuer's public key as the HMAC secret", async () => {
    const { kid } = decodeProtectedHeader(carolToken);
    const jwks = (await (await fetch(`${fixture().issuer}/jwks`)).json()) as { keys: JWK[] };
    const jwk = jwks.keys.find((k) => k.kid === kid)!;
    const pem = await exportSPKI((await importJWK(jwk, "RS256", { extractable: true })) as CryptoKey);
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(jwk))]) {
      const forged = await new SignJWT(decodeJwt(carolToken))
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: kid! })
        .sign(secret);
      await expectRejected(auth.validateToken(forged), "algorithm_not_allowed", forged);
    }
  });

  it("malformed base64 and structure", async () => {
    const [h, p, s] = parts(carolToken);
    for (const broken of [
      `${h}.${p.slice(0, 10)}!!!${p.slice(10)}.${s}`, // not base64url at all
      `${h}.${p}+.${s}`, // standard base64, not base64url
      `${h}.${p}==.${s}`, // padded
      `${h}.x.${s}`, // one character: not valid base64url
      `${h.slice(3)}.${p}.${s}`, // header no longer JSON
      `${h}.${p}`, // two segments
      `${encode({ alg: "RS256" }).slice(0, 5)}%.${p}.${s}`,
    ]) {
      await expectRejected(auth.validateToken(broken), "token_malformed", broken);
    }
  });

  it("a payload that decodes but is not JSON fails its signature first", async () => {
    const [h, , s] = parts(carolToken);
    await expectRejected(
      auth.validateToken(`${h}.${base64url.encode("not json")}.${s}`),
      "signature_invalid",
    );
  });

  it("a 1 MB token is rejected before parsing", async () => {
    const huge = `${carolToken}${"A".repeat(1024 * 1024)}`;
    await expectRejected(auth.validateToken(`Bearer ${huge}`), "token_too_large");
  });

  it("an opaque random string in jwt mode", async () => {
    const jwtOnly = await fixtureAuthenticator({ mode: "jwt", introspection: undefined });
    await expectRejected(jwtOnly.validateToken("Zm9vYmFyYmF6cXV4cXV1eA"), "token_malformed");
  });

  it("an empty header and Bearer without a token", async () => {
    for (const header of ["", "   ", "Bearer", "Bearer   "]) {
      await expectRejected(auth.validateToken(header), "token_missing");
    }
  });

  it("another scheme", async () => {
    await expectRejected(auth.validateToken(`Basic ${carolToken}`), "token_malformed", carolToken);
  });
});

afterAll(() => {
  auth.clearCache();
});

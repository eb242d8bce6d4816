import * as jose from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { conformanceRoot } from "../src/load/repository.js";
import type { UserName } from "../src/model.js";
import { craftAuthorization, type TokenAuthority } from "../src/tokens/craft.js";
import { decodeJws } from "../src/tokens/jws.js";
import { applyClaims, clockClaim, loadTokenVectors } from "../src/tokens/vectors.js";

const ISSUER = "http://127.0.0.1:1";
const AUDIENCE = "urn:sfn:api";
const NOW = 1_767_225_600_000;
const vectors = loadTokenVectors(conformanceRoot());

let authority: TokenAuthority;
let publicKey: jose.CryptoKey;
let issuerToken: string;

beforeAll(async () => {
  const pair = await jose.generateKeyPair("RS256", { extractable: true });
  publicKey = pair.publicKey;
  const publicJwk = { ...(await jose.exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  issuerToken = await new jose.SignJWT({
    sub: "00000000-0000-4000-8000-0000000a11ce",
    roles: ["user"],
    client_id: "sfn-test",
  })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 3600)
    .sign(pair.privateKey);
  const revoked: string[] = [];
  authority = {
    issuer: ISSUER,
    audience: AUDIENCE,
    skewSeconds: 30,
    userToken: async (_user: UserName) => issuerToken,
    opaqueToken: async () => "opaque-token",
    revoke: async (t) => {
      revoked.push(t);
    },
    signingKey: async () => ({ key: pair.privateKey, kid: "k1", publicJwk }),
  };
});

async function craft(token: string): Promise<string | null> {
  const vector = vectors.get(token);
  if (!vector) throw new Error(`no vector ${token}`);
  return craftAuthorization(vector, "alice", authority, NOW);
}
const bearer = (header: string | null) => (header ?? "").replace(/^bearer /i, "");
const verify = (token: string) =>
  jose.jwtVerify(token, publicKey, { issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(NOW) });

describe("crafted tokens (vectors/tokens.json)", () => {
  it("has a vector for every token name of the case schema", () => {
    expect([...vectors.keys()].sort()).toEqual(
      [
        "valid",
        "expired",
        "not-yet-valid",
        "forged",
        "wrong-audience",
        "wrong-issuer",
        "alg-none",
        "alg-hs256",
        "unknown-kid",
        "missing-sub",
        "none",
        "empty-bearer",
        "malformed",
        "wrong-scheme",
        "lowercase-scheme",
        "opaque-revoked",
        "too-large",
      ].sort(),
    );
  });

  it("valid and lowercase-scheme carry the issuer's token unchanged", async () => {
    expect(await craft("valid")).toBe(`Bearer ${issuerToken}`);
    expect(await craft("lowercase-scheme")).toBe(`bearer ${issuerToken}`);
  });

  it("none, empty-bearer, malformed and wrong-scheme are fixed header values", async () => {
    expect(await craft("none")).toBeNull();
    expect(await craft("empty-bearer")).toBe("Bearer ");
    expect(await craft("malformed")).toBe("Bearer not.a-jws!");
    expect(await craft("wrong-scheme")).toMatch(/^Basic /);
  });

  it("expired and not-yet-valid are signed by the issuer's key with clocks beyond the skew", async () => {
    const expired = bearer(await craft("expired"));
    await expect(verify(expired)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    expect(decodeJws(expired).payload.exp).toBe(NOW / 1000 - 90);
    await expect(
      jose.jwtVerify(expired, publicKey, { currentDate: new Date(NOW - 3_600_000) }),
    ).resolves.toBeDefined();
    const early = bearer(await craft("not-yet-valid"));
    await expect(verify(early)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "nbf",
    });
  });

  it("wrong-issuer, wrong-audience and missing-sub verify but carry the wrong claims", async () => {
    const wrongIssuer = bearer(await craft("wrong-issuer"));
    expect(decodeJws(wrongIssuer).payload.iss).toBe(`${ISSUER}/other`);
    await expect(
      jose.jwtVerify(wrongIssuer, publicKey, { currentDate: new Date(NOW) }),
    ).resolves.toBeDefined();
    await expect(verify(bearer(await craft("wrong-audience")))).rejects.toMatchObject({ claim: "aud" });
    const noSub = bearer(await craft("missing-sub"));
    expect(decodeJws(noSub).payload.sub).toBeUndefined();
    await expect(verify(noSub)).resolves.toBeDefined();
  });

  it("forged keeps the original signature over a changed payload, so it does not verify", async () => {
    const forged = bearer(await craft("forged"));
    expect(decodeJws(forged).payload.roles).toEqual(["admin"]);
    expect(forged.split(".")[2]).toBe(issuerToken.split(".")[2]);
    await expect(verify(forged)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("alg-none is unsigned, alg-hs256 is an HMAC keyed with the public JWK's JSON", async () => {
    const none = bearer(await craft("alg-none"));
    expect(decodeJws(none).header.alg).toBe("none");
    expect(none.endsWith(".")).toBe(true);
    const hs = bearer(await craft("alg-hs256"));
    expect(decodeJws(hs).header.alg).toBe("HS256");
    const secret = new TextEncoder().encode(JSON.stringify((await authority.signingKey()).publicJwk));
    await expect(
      jose.jwtVerify(hs, secret, { algorithms: ["HS256"], currentDate: new Date(NOW) }),
    ).resolves.toBeDefined();
  });

  it("unknown-kid is signed by a key no JWKS publishes", async () => {
    const token = bearer(await craft("unknown-kid"));
    expect(decodeJws(token).header.kid).toBe("conformance-unknown-kid");
    await expect(verify(token)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("too-large makes the authorization header exceed 16,384 characters", async () => {
    expect((await craft("too-large"))?.length).toBeGreaterThan(16_384);
  });

  it("opaque-revoked is an opaque token that was revoked first", async () => {
    expect(await craft("opaque-revoked")).toBe("Bearer opaque-token");
  });

  it("clock claims are relative to now and the skew", () => {
    expect(clockClaim(-7200, 1000, 30)).toBe(-6200);
    expect(clockClaim("-(skew+60)", 1000, 30)).toBe(910);
    expect(clockClaim("+(skew+60)", 1000, 30)).toBe(1090);
    expect(
      applyClaims({ sub: "x", a: 1 }, { sub: null }, { nowSeconds: 0, skewSeconds: 30, expand: (t) => t }),
    ).toEqual({ a: 1 });
  });
});

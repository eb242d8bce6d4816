import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { reasonForJoseError } from "./jose-failure-reason.js";

// Real jose errors from real verifications with local keys: the mapping is checked against what
// jose actually throws, not against hand-made error objects.
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
const now = Math.floor(Date.now() / 1000);
const options = {
  issuer: "https://iss.test",
  audience: "api",
  algorithms: ["RS256"],
  requiredClaims: ["exp"],
};

async function sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ iss: "https://iss.test", aud: "api", sub: "s", exp: now + 60, ...claims })
    .setProtectedHeader({ alg: "RS256", ...header })
    .sign(keys.privateKey);
}

async function reasonFor(token: string, verifyOptions: Record<string, unknown> = options): Promise<string> {
  try {
    await jwtVerify(token, keys.publicKey, verifyOptions);
  } catch (error) {
    return reasonForJoseError(error);
  }
  throw new Error("verification unexpectedly succeeded");
}

beforeAll(async () => {
  keys = await generateKeyPair("RS256", { extractable: true });
  await exportJWK(keys.publicKey);
});

describe("reasonForJoseError", () => {
  it("maps each claim failure to its reason", async () => {
    expect(await reasonFor(await sign({ exp: now - 120 }))).toBe("token_expired");
    expect(await reasonFor(await sign({ nbf: now + 120 }))).toBe("token_not_yet_valid");
    expect(await reasonFor(await sign({ iss: "https://evil.test" }))).toBe("issuer_mismatch");
    expect(await reasonFor(await sign({ iss: undefined }))).toBe("issuer_mismatch");
    expect(await reasonFor(await sign({ aud: "other" }))).toBe("audience_mismatch");
    expect(await reasonFor(await sign({ exp: undefined }))).toBe("claims_invalid");
    expect(await reasonFor(await sign({ nbf: "tomorrow" }))).toBe("claims_invalid");
  });

  it("maps signature, algorithm and format failures", async () => {
    const token = await sign({});
    const [h, p, s] = token.split(".") as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    expect(await reasonFor(`${h}.${p}.${flipped}`)).toBe("signature_invalid");
    expect(await reasonFor(token, { ...options, algorithms: ["PS256"] })).toBe("algorithm_not_allowed");
    expect(await reasonFor(`${h}.${p}`)).toBe("token_malformed");
    expect(await reasonFor(`e30.${p}.${s}`)).toBe("token_malformed"); // header {} has no alg
    expect(await reasonFor(`${h}.bm90IGpzb24.${s}`)).toBe("signature_invalid"); // payload changed
  });

  it("fails closed on anything unknown", () => {
    expect(reasonForJoseError(new Error("boom"))).toBe("signature_invalid");
    expect(reasonForJoseError(undefined)).toBe("signature_invalid");
    expect(reasonForJoseError({ code: "ERR_JWKS_NO_MATCHING_KEY" })).toBe("key_unknown");
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the case files' variable syntax, not a template literal
import * as jose from "jose";
import type { Json, UserName } from "../model.js";
import { decodeJws, hmacJws, signJws, unsignedJws, withOriginalSignature } from "./jws.js";
import { applyClaims, type TokenVector } from "./vectors.js";

/** What the runner can do with the issuer it runs for a language (env/issuer.ts). */
export interface TokenAuthority {
  issuer: string;
  audience: string;
  /** The runtime's JWT clock skew, in seconds (30 by default). */
  skewSeconds: number;
  /** A JWT access token minted by the issuer for a fixture user. */
  userToken(user: UserName): Promise<string>;
  /** A fresh opaque (introspectable) access token for a fixture user. */
  opaqueToken(user: UserName): Promise<string>;
  revoke(token: string): Promise<void>;
  /** The issuer's own signing key (published in its JWKS). */
  signingKey(): Promise<{ key: jose.CryptoKey; kid: string; publicJwk: jose.JWK }>;
}

let foreign: Promise<jose.CryptoKey> | undefined;
/** A key pair the runner generates once and never publishes. */
function foreignKey(): Promise<jose.CryptoKey> {
  foreign ??= jose.generateKeyPair("RS256").then((pair) => pair.privateKey);
  return foreign;
}

/**
 * The `authorization` header value of a call with a crafted token (vectors/tokens.json), or `null`
 * for no header. `user` is the step's `as` (alice when absent: the crafted token only needs a subject).
 */
export async function craftAuthorization(
  vector: TokenVector,
  user: UserName | undefined,
  authority: TokenAuthority,
  now: number = Date.now(),
): Promise<string | null> {
  const { build } = vector;
  if (build.authorization === null) return null;
  if (!build.authorization.includes("${token}")) return build.authorization;
  const token = await craftToken(vector, user ?? "alice", authority, now);
  return build.authorization.replace("${token}", token);
}

async function craftToken(
  vector: TokenVector,
  user: UserName,
  authority: TokenAuthority,
  now: number,
): Promise<string> {
  const { build } = vector;
  if (build.from === "issuer-opaque") {
    const opaque = await authority.opaqueToken(user);
    if (build.revoke) await authority.revoke(opaque);
    return opaque;
  }
  const original = await authority.userToken(user);
  const decoded = decodeJws(original);
  const payload = applyClaims(decoded.payload, build.claims, {
    nowSeconds: Math.floor(now / 1000),
    skewSeconds: authority.skewSeconds,
    expand: (text) => text.replaceAll("${SFN_OIDC_ISSUER}", authority.issuer),
  });
  const header: Record<string, Json> = { ...decoded.header, ...(build.header ?? {}) };
  if (
    build.from === "issuer" &&
    build.sign === undefined &&
    build.claims === undefined &&
    build.header === undefined
  ) {
    return original;
  }
  switch (build.sign) {
    case "none":
      return unsignedJws({ ...header, alg: "none" }, payload);
    case "keep-original-signature":
      return withOriginalSignature(original, payload);
    case "hmac-with-the-public-jwk-json": {
      const { publicJwk } = await authority.signingKey();
      return hmacJws(header, payload, JSON.stringify(publicJwk));
    }
    default:
      break;
  }
  if (build.from === "foreign-key") {
    return signJws({ ...header, alg: "RS256" }, payload, await foreignKey());
  }
  const { key, kid } = await authority.signingKey();
  return signJws({ ...header, alg: "RS256", kid }, payload, key);
}

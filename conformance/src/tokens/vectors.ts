import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "../model.js";

/** One entry of vectors/tokens.json: how a crafted token is built and what the protocol expects. */
export interface TokenVector {
  token: string;
  build: {
    from?: "issuer" | "fixture-key" | "foreign-key" | "issuer-opaque";
    claims?: Record<string, Json>;
    header?: Record<string, Json>;
    sign?: "none" | "hmac-with-the-public-jwk-json" | "keep-original-signature";
    revoke?: boolean;
    /** `null`: no authorization header at all. */
    authorization: string | null;
  };
  expect: Record<string, Json>;
  requires?: string[];
}

export function loadTokenVectors(root: string): Map<string, TokenVector> {
  const file = JSON.parse(readFileSync(join(root, "vectors", "tokens.json"), "utf8")) as {
    vectors: TokenVector[];
  };
  return new Map(file.vectors.map((v) => [v.token, v]));
}

/**
 * A claim value of a vector, relative to now (seconds): a number is `now + n`; `"-(skew+60)"` /
 * `"+(skew+60)"` are `now ∓ (skew + 60)`. Other values are returned as they are.
 */
export function clockClaim(value: Json, nowSeconds: number, skewSeconds: number): Json {
  if (typeof value === "number") return nowSeconds + value;
  if (typeof value === "string") {
    const m = /^([+-])\(skew\s*\+\s*(\d+)\)$/.exec(value.trim());
    if (m) return nowSeconds + (m[1] === "-" ? -1 : 1) * (skewSeconds + Number(m[2]));
  }
  return value;
}

const CLOCK_CLAIMS = new Set(["iat", "exp", "nbf"]);
const PADDING = /exceeds (\d+) characters/;

export interface ClaimContext {
  nowSeconds: number;
  skewSeconds: number;
  /** Substitutes `${SFN_OIDC_ISSUER}` and friends in string claims. */
  expand: (text: string) => string;
}

/** Applies a vector's claim changes to a token payload: `null` deletes, clock claims are relative. */
export function applyClaims(
  payload: Record<string, Json>,
  changes: Record<string, Json> | undefined,
  ctx: ClaimContext,
): Record<string, Json> {
  const out: Record<string, Json> = { ...payload };
  for (const [name, raw] of Object.entries(changes ?? {})) {
    if (raw === null) {
      delete out[name];
      continue;
    }
    if (CLOCK_CLAIMS.has(name)) {
      out[name] = clockClaim(raw, ctx.nowSeconds, ctx.skewSeconds);
      continue;
    }
    const padding = typeof raw === "string" ? PADDING.exec(raw) : null;
    // "x repeated until the header exceeds N characters": enough x that `Bearer <jws>` is over N.
    out[name] = padding ? "x".repeat(Math.ceil((Number(padding[1]) * 3) / 4) + 64) : raw;
    if (typeof out[name] === "string" && !padding) out[name] = ctx.expand(out[name] as string);
  }
  return out;
}

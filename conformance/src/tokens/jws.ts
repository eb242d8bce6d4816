import { createHmac } from "node:crypto";
import * as jose from "jose";
import type { Json } from "../model.js";

const b64 = (data: string | Uint8Array): string => Buffer.from(data).toString("base64url");

/** The decoded parts of a compact JWS. */
export interface JwsParts {
  header: Record<string, Json>;
  payload: Record<string, Json>;
  signature: string;
}

export function decodeJws(token: string): JwsParts {
  const [h, p, s] = token.split(".");
  if (h === undefined || p === undefined || s === undefined) throw new Error("not a compact JWS");
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as Record<string, Json>,
    payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, Json>,
    signature: s,
  };
}

/** `header.payload.` — an unsigned JWS (alg none). */
export function unsignedJws(header: Record<string, Json>, payload: Record<string, Json>): string {
  return `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.`;
}

/** The issuer's token with a changed payload and the ORIGINAL signature (which no longer verifies). */
export function withOriginalSignature(original: string, payload: Record<string, Json>): string {
  const parts = original.split(".");
  return `${parts[0]}.${b64(JSON.stringify(payload))}.${parts[2]}`;
}

/** HS256 over header.payload with the JSON text of a public JWK as the secret (key confusion). */
export function hmacJws(header: Record<string, Json>, payload: Record<string, Json>, secret: string): string {
  const input = `${b64(JSON.stringify({ ...header, alg: "HS256" }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** RS256 (or the header's algorithm) with a private key. */
export async function signJws(
  header: Record<string, Json>,
  payload: Record<string, Json>,
  key: jose.CryptoKey | Uint8Array,
): Promise<string> {
  return new jose.CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as jose.CompactJWSHeaderParameters)
    .sign(key);
}

import { tokenRejected } from "../errors/auth-errors.js";

/** Default upper bound of a token, in characters (= bytes: tokens are ASCII). Protocol §10. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16_384;

// RFC 6750 §2.1 b64token. Anything else (spaces, quotes, control characters, non-ASCII) cannot be a
// bearer token, so it is rejected before it reaches a parser or is sent to the issuer.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// Room for the scheme and surrounding whitespace when judging the raw input's size.
const PREFIX_ALLOWANCE = 64;

/**
 * The token out of an `Authorization` header value or a bare token. The `Bearer` scheme is matched
 * case-insensitively. Size is checked before anything else so that a huge input costs O(1).
 *
 * Throws Unauthorized with reason `token_missing` (nothing, or `Bearer` alone), `token_too_large`,
 * or `token_malformed` (another scheme, or characters a bearer token cannot contain).
 */
export function extractBearerToken(input: unknown, maxLength: number = DEFAULT_MAX_TOKEN_LENGTH): string {
  const token = stripBearerScheme(input, maxLength);
  assertBearerCharset(token);
  return token;
}

/**
 * extractBearerToken without the character check, for callers that check the token's syntax
 * more strictly themselves (the JWT path), so that a token is scanned once.
 */
export function stripBearerScheme(input: unknown, maxLength: number): string {
  if (typeof input !== "string") throw tokenRejected("token_missing");
  if (input.length > maxLength + PREFIX_ALLOWANCE) throw tokenRejected("token_too_large");

  const value = input.trim();
  if (value === "") throw tokenRejected("token_missing");

  let token = value;
  const space = value.search(/\s/);
  if (space === -1) {
    if (value.toLowerCase() === "bearer") throw tokenRejected("token_missing");
  } else {
    if (value.slice(0, space).toLowerCase() !== "bearer") throw tokenRejected("token_malformed");
    token = value.slice(space).trimStart();
  }
  if (token.length > maxLength) throw tokenRejected("token_too_large");
  return token;
}

/** Throws `token_malformed` unless the token is an RFC 6750 b64token. */
export function assertBearerCharset(token: string): void {
  if (!B64TOKEN.test(token)) throw tokenRejected("token_malformed");
}

/**
 * Whether a token is meant to be a JWT: three dot-separated segments, or any dotted token that
 * starts like a base64url JSON object (`eyJ` = `{"`), such as a truncated JWS or a JWE. Opaque
 * tokens of the common issuers look like neither. A JWT-shaped token that is otherwise broken is
 * still routed to the JWT path, so that it fails as `token_malformed` instead of costing an
 * introspection request.
 */
export function isJwtShaped(token: string): boolean {
  const first = token.indexOf(".");
  if (first === -1) return false;
  if (token.startsWith("eyJ")) return true;
  const second = token.indexOf(".", first + 1);
  return first > 0 && second > first + 1 && token.indexOf(".", second + 1) === -1;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Whether a token is a well-formed compact JWS in unpadded base64url (RFC 7515 §2, §7.1): three
 * segments of the URL-safe alphabet, none with a length that leaves a dangling character. jose
 * verifies the signature before it decodes the payload, so without this a broken encoding would be
 * reported as a bad signature instead of a malformed token.
 */
export function isWellFormedCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false;
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  return first % 4 !== 1 && (second - first - 1) % 4 !== 1 && (token.length - second - 1) % 4 !== 1;
}

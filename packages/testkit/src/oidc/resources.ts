import { FIXTURE_SCOPES, JWT_RESOURCE, OPAQUE_RESOURCE } from "../config.js";

/** Default access-token lifetime for both resources (seconds). */
export const DEFAULT_ACCESS_TOKEN_TTL = 3600;
/** Upper bound for the test-user grant's `ttl` parameter (seconds). */
export const MAX_TEST_TOKEN_TTL = 86_400;

/** Mirrors oidc-provider's `ResourceServer` shape without importing it (keeps this module light). */
export interface ResourceServerInfo {
  scope: string;
  audience: string;
  accessTokenTTL: number;
  accessTokenFormat: "jwt" | "opaque";
  jwt?: { sign: { alg: "RS256" } };
}

/**
 * The two resource servers the issuer knows: `urn:sfn:api` gets RS256 JWT access tokens
 * (`typ: at+jwt`, validated locally against the JWKS), `urn:sfn:api-opaque` gets opaque tokens that
 * only introspection can validate. oidc-provider cannot introspect JWT access tokens, hence two.
 */
export function resourceServerInfo(resource: string): ResourceServerInfo | undefined {
  const scope = FIXTURE_SCOPES.join(" ");
  if (resource === JWT_RESOURCE) {
    return {
      scope,
      audience: JWT_RESOURCE,
      accessTokenTTL: DEFAULT_ACCESS_TOKEN_TTL,
      accessTokenFormat: "jwt",
      jwt: { sign: { alg: "RS256" } },
    };
  }
  if (resource === OPAQUE_RESOURCE) {
    return {
      scope,
      audience: OPAQUE_RESOURCE,
      accessTokenTTL: DEFAULT_ACCESS_TOKEN_TTL,
      accessTokenFormat: "opaque",
    };
  }
  return undefined;
}

/**
 * Parses the test-user grant's optional `ttl` parameter. Returns undefined for "use the resource
 * default" and a string error message for invalid input.
 */
export function parseTtl(value: unknown): number | undefined | { error: string } {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || !/^[0-9]+$/.test(value)) {
    return { error: "ttl must be a positive integer number of seconds" };
  }
  const ttl = Number(value);
  if (ttl < 1 || ttl > MAX_TEST_TOKEN_TTL) {
    return { error: `ttl must be between 1 and ${MAX_TEST_TOKEN_TTL} seconds` };
  }
  return ttl;
}

/** Keeps the requested scopes the resource server knows, in request order, de-duplicated. */
export function filterScopes(requested: string | undefined, allowed: string): string | undefined {
  if (!requested) return undefined;
  const known = new Set(allowed.split(" "));
  const out = [...new Set(requested.split(" ").filter((s) => s && known.has(s)))];
  return out.length ? out.join(" ") : undefined;
}

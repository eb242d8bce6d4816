import type { ClaimMapping } from "../claims/claim-mapping.js";
import type { IssuerFetch } from "../issuer/discover-issuer.js";

/**
 * How tokens are validated. One mode per resource server (protocol P-AUTH-2):
 * - `jwt`: locally against the issuer's JWKS; opaque tokens are `token_malformed`.
 * - `introspection`: every token through RFC 7662 introspection (e.g. to see revocations at once).
 * - `auto`: JWT-shaped tokens locally, anything else by introspection.
 */
export type ValidationMode = "jwt" | "introspection" | "auto";

/** The resource server's own OAuth client, used to authenticate introspection requests. */
export interface IntrospectionOptions {
  clientId: string;
  clientSecret: string;
  /** Default `client_secret_basic`. */
  authMethod?: "client_secret_basic" | "client_secret_post";
  /** How long an introspection answer is reused, bounded by the token's `exp`. Default 30 000 (P-AUTH-1). */
  cacheTtlMs?: number;
  /** Reject active tokens whose introspection answer has no `aud`. Default true. */
  requireAudience?: boolean;
}

export interface CacheOptions {
  /** Most cached validation results (JWT and introspection together). Default 10 000; 0 disables. */
  maxEntries?: number;
  /** Approximate memory bound of the cache in bytes. Default 32 MiB. */
  maxBytes?: number;
  /** How long a verified JWT's identity is reused, never past its `exp`. Default 60 000; 0 disables. */
  jwtTtlMs?: number;
}

export interface JwksOptions {
  /** Key-set lifetime before it is fetched again. Default 600 000 (10 min). */
  cacheMaxAgeMs?: number;
  /** Least time between refetches caused by unknown `kid`s. Default 30 000. */
  cooldownMs?: number;
  /** How long a key set outlives `cacheMaxAgeMs` while the issuer is unreachable. Default 3 600 000. */
  staleIfErrorMs?: number;
}

export interface DiscoveryOptions {
  /** Attempts while the issuer is unreachable, including the first. Default 5. */
  attempts?: number;
  /** Upper bound of the first retry delay (full jitter, doubling). Default 250. */
  initialDelayMs?: number;
  /** Upper bound of any retry delay. Default 4 000. */
  maxDelayMs?: number;
  /**
   * Resolve `createAuthenticator` at once and discover in the background. Validations then wait for
   * discovery, and fail with `issuer_unavailable` (retryable) while it has not succeeded. Default false.
   */
  background?: boolean;
  /** After a failed discovery, how long validations fail fast before one tries again. Default 1 000. */
  retryCooldownMs?: number;
}

export interface AuthenticatorOptions {
  /** The audience(s) this service accepts; a token must name at least one. Required. */
  audience: string | readonly string[];
  /** Default `auto` when `introspection` credentials are given, else `jwt`. */
  mode?: ValidationMode;
  /** Client credentials for introspection; required for modes `introspection` and `auto`. */
  introspection?: IntrospectionOptions;
  /**
   * Allow plain-http issuer URLs (openid-client's `allowInsecureRequests`), for a local development
   * or test issuer only. Default false: every request to the issuer must be https.
   */
  allowInsecureRequests?: boolean;
  /** Pins the issuer identifier; discovery fails when the metadata names another. Default: the discovered one. */
  issuer?: string;
  /** Accepted JWS algorithms. Default RS256, PS256, ES256, EdDSA; `none` and HMAC are refused. */
  algorithms?: readonly string[];
  /** Clock skew tolerance for exp/nbf/iat, 0–60 s. Default 30. */
  clockToleranceSec?: number;
  /** Accepted JWT `typ` values. Default `at+jwt` (RFC 9068) and `JWT` (Auth0, Entra ID, Okta). */
  accessTokenTypes?: readonly string[];
  /** Accept JWTs without `typ`. Default true. */
  allowMissingTokenType?: boolean;
  /** Longest accepted token in characters. Default 16 384 (protocol §10). */
  maxTokenLength?: number;
  /** Where UserContext members come from; merged over DEFAULT_CLAIM_MAPPING member by member. */
  claims?: Partial<ClaimMapping>;
  /** Put the raw token into `UserContext.token` (for calls on the caller's behalf). Default true. */
  includeToken?: boolean;
  cache?: CacheOptions;
  jwks?: JwksOptions;
  discovery?: DiscoveryOptions;
  /** Timeout of each HTTP request to the issuer. Default 5 000. */
  httpTimeoutMs?: number;
  /** fetch used for every request to the issuer (discovery, JWKS, introspection): proxies, metrics, tests. */
  fetch?: IssuerFetch;
  /** Current time in epoch milliseconds, for token time checks and cache expiry. Default Date.now. */
  clock?: () => number;
  /** Cancels discovery in `createAuthenticator`. */
  signal?: AbortSignal;
}

import { ValidationError } from "@sfn/contracts";
import { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from "../claims/claim-mapping.js";
import type { IssuerFetch } from "../issuer/discover-issuer.js";
import { normaliseType } from "../jwt/jwt-verifier.js";
import { DEFAULT_MAX_TOKEN_LENGTH } from "../token/bearer-token.js";
import type { AuthenticatorOptions, IntrospectionOptions, ValidationMode } from "./authenticator-options.js";

/** Protocol Appendix A. */
export const DEFAULT_ALGORITHMS: readonly string[] = Object.freeze(["RS256", "PS256", "ES256", "EdDSA"]);
/** The asymmetric JWS algorithms that may be allowed; HMAC and `none` never are. */
export const SUPPORTED_ALGORITHMS: readonly string[] = Object.freeze([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
]);
export const MAX_CLOCK_TOLERANCE_SEC = 60;

/** Options with every default applied and checked. */
export interface ResolvedOptions {
  url: URL;
  mode: ValidationMode;
  audiences: readonly string[];
  introspection: Required<IntrospectionOptions> | undefined;
  allowInsecureRequests: boolean;
  issuer: string | undefined;
  algorithms: readonly string[];
  clockToleranceSec: number;
  accessTokenTypes: ReadonlySet<string>;
  allowMissingTokenType: boolean;
  maxTokenLength: number;
  claims: ClaimMapping;
  includeToken: boolean;
  cache: { maxEntries: number; maxBytes: number; jwtTtlMs: number };
  jwks: { cacheMaxAgeMs: number; cooldownMs: number; staleIfErrorMs: number };
  discovery: {
    attempts: number;
    initialDelayMs: number;
    maxDelayMs: number;
    background: boolean;
    retryCooldownMs: number;
  };
  httpTimeoutMs: number;
  fetch: IssuerFetch | undefined;
  clock: () => number;
  signal: AbortSignal | undefined;
}

/** Applies defaults and rejects impossible or unsafe settings with ValidationError (`details.setting`). */
export function resolveOptions(oidcConfigUrl: string, options: AuthenticatorOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null)
    invalid("options", "options are required (at least audience)");
  const url = parseUrl(oidcConfigUrl);
  const allowInsecureRequests = options.allowInsecureRequests ?? false;
  if (url.protocol === "http:" && !allowInsecureRequests) {
    invalid(
      "allowInsecureRequests",
      "an http:// issuer needs allowInsecureRequests: true (development and tests only)",
    );
  }

  const audiences = typeof options.audience === "string" ? [options.audience] : [...(options.audience ?? [])];
  if (audiences.length === 0 || audiences.some((a) => typeof a !== "string" || a === "")) {
    invalid("audience", "audience must name at least one non-empty audience");
  }

  const introspection = resolveIntrospection(options.introspection);
  const mode = options.mode ?? (introspection ? "auto" : "jwt");
  if (!["jwt", "introspection", "auto"].includes(mode))
    invalid("mode", "mode must be jwt, introspection or auto");
  if (mode !== "jwt" && !introspection)
    invalid("introspection", `mode ${mode} needs introspection client credentials`);

  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  const unsupported = algorithms.filter((alg) => !SUPPORTED_ALGORITHMS.includes(alg));
  if (algorithms.length === 0 || unsupported.length > 0) {
    invalid(
      "algorithms",
      `algorithms must be asymmetric JWS algorithms (never none or HMAC); refused: ${unsupported.join(", ")}`,
    );
  }

  const clockToleranceSec = options.clockToleranceSec ?? 30;
  if (!(clockToleranceSec >= 0 && clockToleranceSec <= MAX_CLOCK_TOLERANCE_SEC)) {
    invalid("clockToleranceSec", `clockToleranceSec must be between 0 and ${MAX_CLOCK_TOLERANCE_SEC}`);
  }

  const issuer = options.issuer;
  if (issuer !== undefined && (typeof issuer !== "string" || !URL.canParse(issuer))) {
    invalid("issuer", "issuer must be an absolute URL");
  }

  return {
    url,
    mode,
    audiences,
    introspection,
    allowInsecureRequests,
    issuer,
    algorithms,
    clockToleranceSec,
    accessTokenTypes: new Set((options.accessTokenTypes ?? ["at+jwt", "JWT"]).map(normaliseType)),
    allowMissingTokenType: options.allowMissingTokenType ?? true,
    maxTokenLength: positive("maxTokenLength", options.maxTokenLength, DEFAULT_MAX_TOKEN_LENGTH),
    claims: { ...DEFAULT_CLAIM_MAPPING, ...definedOnly(options.claims ?? {}) },
    includeToken: options.includeToken ?? true,
    cache: {
      maxEntries: nonNegative("cache.maxEntries", options.cache?.maxEntries, 10_000),
      maxBytes: positive("cache.maxBytes", options.cache?.maxBytes, 32 * 1024 * 1024),
      jwtTtlMs: nonNegative("cache.jwtTtlMs", options.cache?.jwtTtlMs, 60_000),
    },
    jwks: {
      cacheMaxAgeMs: positive("jwks.cacheMaxAgeMs", options.jwks?.cacheMaxAgeMs, 600_000),
      cooldownMs: nonNegative("jwks.cooldownMs", options.jwks?.cooldownMs, 30_000),
      staleIfErrorMs: nonNegative("jwks.staleIfErrorMs", options.jwks?.staleIfErrorMs, 3_600_000),
    },
    discovery: {
      attempts: positive("discovery.attempts", options.discovery?.attempts, 5),
      initialDelayMs: nonNegative("discovery.initialDelayMs", options.discovery?.initialDelayMs, 250),
      maxDelayMs: nonNegative("discovery.maxDelayMs", options.discovery?.maxDelayMs, 4_000),
      background: options.discovery?.background ?? false,
      retryCooldownMs: nonNegative("discovery.retryCooldownMs", options.discovery?.retryCooldownMs, 1_000),
    },
    httpTimeoutMs: positive("httpTimeoutMs", options.httpTimeoutMs, 5_000),
    fetch: options.fetch,
    clock: options.clock ?? Date.now,
    signal: options.signal,
  };
}

function resolveIntrospection(
  options: IntrospectionOptions | undefined,
): Required<IntrospectionOptions> | undefined {
  if (options === undefined) return undefined;
  if (!options.clientId || !options.clientSecret) {
    invalid("introspection", "introspection needs clientId and clientSecret");
  }
  const authMethod = options.authMethod ?? "client_secret_basic";
  if (authMethod !== "client_secret_basic" && authMethod !== "client_secret_post") {
    invalid("introspection.authMethod", "authMethod must be client_secret_basic or client_secret_post");
  }
  return {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authMethod,
    cacheTtlMs: nonNegative("introspection.cacheTtlMs", options.cacheTtlMs, 30_000),
    requireAudience: options.requireAudience ?? true,
  };
}

function parseUrl(value: string): URL {
  if (typeof value !== "string" || !URL.canParse(value))
    invalid("oidcConfigUrl", "oidcConfigUrl must be an absolute URL");
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    invalid("oidcConfigUrl", "oidcConfigUrl must be http(s)");
  return url;
}

function positive(setting: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v > 0)) invalid(setting, `${setting} must be a positive number`);
  return v;
}

function nonNegative(setting: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(Number.isFinite(v) && v >= 0)) invalid(setting, `${setting} must be zero or a positive number`);
  return v;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function invalid(setting: string, message: string): never {
  throw new ValidationError(message, { details: { setting } });
}

import type { Authenticator, OperationOptions, UserContext } from "@sfn/contracts";
import { raceAbort, throwIfAborted } from "@sfn/contracts";
import type { ValidationCache, ValidationCacheStats, ValidationOutcome } from "./cache/validation-cache.js";
import type { UserContextMapper } from "./claims/user-context-mapper.js";
import { authFailureReason, type TokenRejectionReason, tokenRejected } from "./errors/auth-errors.js";
import type { IssuerLink } from "./issuer/issuer-link.js";
import type { IssuerRuntime } from "./issuer/issuer-runtime.js";
import type { ValidationMode } from "./options/authenticator-options.js";
import type { ResolvedOptions } from "./options/resolve-options.js";
import {
  assertBearerCharset,
  isJwtShaped,
  isWellFormedCompactJws,
  stripBearerScheme,
} from "./token/bearer-token.js";

type Path = "jwt" | "introspection";

/**
 * The Authenticator of `@sfn/authenticator`: validates bearer tokens against one OIDC issuer,
 * locally (JWT) or by introspection, and maps them to a frozen UserContext. Create it with
 * `createAuthenticator`.
 */
export class OidcAuthenticator implements Authenticator {
  readonly #options: ResolvedOptions;
  readonly #issuer: IssuerLink<IssuerRuntime>;
  readonly #cache: ValidationCache;
  readonly #mapper: UserContextMapper;
  readonly #introspectionTtlMs: number;

  /** @internal Use createAuthenticator. */
  constructor(
    options: ResolvedOptions,
    issuer: IssuerLink<IssuerRuntime>,
    cache: ValidationCache,
    mapper: UserContextMapper,
  ) {
    this.#options = options;
    this.#issuer = issuer;
    this.#cache = cache;
    this.#mapper = mapper;
    this.#introspectionTtlMs = options.introspection?.cacheTtlMs ?? 0;
  }

  /** The configured validation mode. */
  get mode(): ValidationMode {
    return this.#options.mode;
  }

  /**
   * Validates a token, with or without the `Bearer ` prefix. Resolves with a deeply frozen
   * UserContext. Rejects with UnauthorizedError (`SFN_UNAUTHENTICATED`, `details.reason` an
   * AuthFailureReason), SystemError `issuer_unavailable` (retryable), or, when `signal` aborts, the
   * signal's SfnError reason or SystemError `SFN_ABORTED`.
   */
  async validateToken(token: string, options?: OperationOptions): Promise<UserContext> {
    const signal = options?.signal;
    throwIfAborted(signal);
    const raw = stripBearerScheme(token, this.#options.maxTokenLength);
    const path = this.#pathFor(raw);
    const ttl = path === "jwt" ? this.#options.cache.jwtTtlMs : this.#introspectionTtlMs;

    let outcome: ValidationOutcome;
    if (ttl > 0 || path === "introspection") {
      // Introspection is always single-flight, even uncached: one request per token at a time.
      const key = this.#cache.keyOf(raw);
      outcome =
        this.#cache.lookup(key) ??
        (await raceAbort(
          this.#cache.resolve(key, () => this.#validate(path, raw)),
          signal,
        ));
    } else {
      outcome = await raceAbort(this.#validate(path, raw), signal);
    }

    if (!outcome.ok) throw tokenRejected(outcome.reason);
    if (!this.#options.includeToken) return outcome.identity as UserContext;
    return Object.freeze({ ...outcome.identity, token: raw }) as UserContext;
  }

  /** Counters of the result cache (entries, hits, misses, joined in-flight validations). */
  cacheStats(): ValidationCacheStats {
    return this.#cache.stats();
  }

  /** Forgets every cached result, e.g. after an incident at the issuer. */
  clearCache(): void {
    this.#cache.clear();
  }

  /** The validation path; tokens bound for the issuer are syntax-checked here, JWTs by the verifier. */
  #pathFor(token: string): Path {
    const mode = this.#options.mode;
    if (mode !== "introspection" && isJwtShaped(token)) {
      // Checked before the issuer is needed: a broken token is malformed even while the issuer is down.
      if (!isWellFormedCompactJws(token)) throw tokenRejected("token_malformed");
      return "jwt";
    }
    if (mode === "jwt") throw tokenRejected("token_malformed");
    assertBearerCharset(token);
    return "introspection";
  }

  async #validate(path: Path, token: string): Promise<ValidationOutcome> {
    const runtime = await this.#issuer.get();
    const now = this.#options.clock();
    try {
      if (path === "jwt") {
        const claims = await runtime.jwt!.verify(token);
        const identity = this.#mapper.map(claims);
        return {
          ok: true,
          identity,
          cacheUntilMs: cacheUntil(now, this.#options.cache.jwtTtlMs, identity.expiresAt),
        };
      }
      const verdict = await runtime.introspector!.introspect(token);
      if (!verdict.active)
        return { ok: false, reason: verdict.reason, cacheUntilMs: now + this.#introspectionTtlMs };
      const identity = this.#mapper.map(verdict.claims);
      return {
        ok: true,
        identity,
        cacheUntilMs: cacheUntil(now, this.#introspectionTtlMs, identity.expiresAt),
      };
    } catch (error) {
      const reason = authFailureReason(error);
      // Rejections of a JWT are cheap to recompute and are not cached; they are still shared
      // with concurrent callers of the same token.
      if (reason !== undefined && reason !== "issuer_unavailable") {
        return { ok: false, reason: reason as TokenRejectionReason, cacheUntilMs: 0 };
      }
      throw error;
    }
  }
}

/** now + ttl, but never past the token's expiry (P-AUTH-1). */
function cacheUntil(now: number, ttlMs: number, expiresAt: number | undefined): number {
  const byTtl = now + ttlMs;
  return expiresAt === undefined ? byTtl : Math.min(byTtl, expiresAt * 1000);
}

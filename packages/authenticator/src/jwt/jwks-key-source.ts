import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FlattenedJWSInput,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  jwksCache,
} from "jose";
import type { IssuerFetch } from "../issuer/discover-issuer.js";

export interface JwksSettings {
  /** How long a fetched key set is used before it is fetched again. */
  cacheMaxAgeMs: number;
  /** Least time between two fetches triggered by unknown `kid`s (rate limit against forged kids). */
  cooldownMs: number;
  /**
   * How long past `cacheMaxAgeMs` the last key set stays usable while the issuer cannot be reached,
   * so that an issuer outage does not stop validation of tokens signed by known keys.
   */
  staleIfErrorMs: number;
  timeoutMs: number;
  fetch: IssuerFetch | undefined;
}

type KeyLookup = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

/** The key set could not be fetched (network, timeout, non-200, not a JWKS): the issuer is unavailable. */
export class KeySetUnavailable extends Error {
  override readonly name = "KeySetUnavailable";
}

/**
 * The issuer's signing keys: jose's remote JWK set (caching, refetch on an unknown `kid` after the
 * cooldown, concurrent refetches shared) plus stale-if-error on top. `getKey` rejects with jose's
 * JWKSNoMatchingKey for a `kid` the issuer does not publish, and with KeySetUnavailable when the
 * issuer cannot say.
 */
export class JwksKeySource {
  readonly #remote: ReturnType<typeof createRemoteJWKSet>;
  // jose records the last good key set and its fetch time here.
  readonly #cache = {} as JWKSCacheInput & { uat?: number; jwks?: unknown };
  readonly #settings: JwksSettings;
  #stale: { uat: number; lookup: KeyLookup } | undefined;
  // Keys already selected from the current key set, by alg and kid: skips jose's per-token key
  // selection on the hot path. Dropped whenever the key set is refetched or goes stale.
  #selected: { uat: number | undefined; keys: Map<string, CryptoKey> } = { uat: undefined, keys: new Map() };

  constructor(url: URL, settings: JwksSettings) {
    this.#settings = settings;
    this.#remote = createRemoteJWKSet(url, {
      cacheMaxAge: settings.cacheMaxAgeMs,
      cooldownDuration: settings.cooldownMs,
      timeoutDuration: settings.timeoutMs,
      [jwksCache]: this.#cache,
      ...(settings.fetch ? { [customFetch]: settings.fetch } : {}),
    });
  }

  readonly getKey = (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const memoKey = typeof header.kid === "string" ? `${header.alg}\u0000${header.kid}` : undefined;
    if (memoKey !== undefined && this.#remote.fresh && this.#selected.uat === this.#cache.uat) {
      const key = this.#selected.keys.get(memoKey);
      if (key !== undefined) return Promise.resolve(key);
    }
    return this.#select(header, token, memoKey);
  };

  async #select(
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    memoKey: string | undefined,
  ): Promise<CryptoKey> {
    try {
      const key = await this.#remote(header, token);
      if (memoKey !== undefined) {
        if (this.#selected.uat !== this.#cache.uat)
          this.#selected = { uat: this.#cache.uat, keys: new Map() };
        this.#selected.keys.set(memoKey, key);
      }
      return key;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw error;
      if (code === "ERR_JOSE_NOT_SUPPORTED") throw error;
      return this.#fromStaleKeys(header, token, error);
    }
  }

  async #fromStaleKeys(
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    failure: unknown,
  ): Promise<CryptoKey> {
    const { uat, jwks } = this.#cache;
    const usableUntil = (uat ?? 0) + this.#settings.cacheMaxAgeMs + this.#settings.staleIfErrorMs;
    if (uat === undefined || jwks === undefined || Date.now() >= usableUntil) {
      throw new KeySetUnavailable("the JSON Web Key Set could not be fetched", { cause: failure });
    }
    if (this.#stale?.uat !== uat) this.#stale = { uat, lookup: createLocalJWKSet(jwks as never) };
    try {
      return await this.#stale.lookup(header, token);
    } catch (error) {
      // A kid the stale set lacks may be a new key we cannot fetch: unavailable, not unknown.
      if ((error as { code?: unknown }).code === "ERR_JWKS_NO_MATCHING_KEY") {
        throw new KeySetUnavailable("the JSON Web Key Set could not be fetched", { cause: failure });
      }
      throw error;
    }
  }
}

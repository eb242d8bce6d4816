import { hash, randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { VerifiedIdentity } from "../claims/user-context-mapper.js";
import type { TokenRejectionReason } from "../errors/auth-errors.js";

/** The result of validating one token, as cached: an identity or a rejection, valid until `cacheUntilMs`. */
export type ValidationOutcome =
  | { readonly ok: true; readonly identity: VerifiedIdentity; readonly cacheUntilMs: number }
  | { readonly ok: false; readonly reason: TokenRejectionReason; readonly cacheUntilMs: number };

export interface ValidationCacheOptions {
  /** Most entries kept; 0 disables caching (single-flight still applies). */
  maxEntries: number;
  /** Approximate memory bound in bytes, estimated from token lengths. */
  maxBytes: number;
  /** Epoch milliseconds. */
  clock: () => number;
}

export interface ValidationCacheStats {
  /** Entries currently held. */
  entries: number;
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that had to validate (each one work item). */
  misses: number;
  /** Lookups that joined a validation already in flight for the same token. */
  joined: number;
}

// Per-entry overhead on top of the token length: the key, the entry object and the identity's
// own structure. The decoded claims are smaller than the token (base64url is 4/3 of JSON).
const ENTRY_OVERHEAD_BYTES = 512;

/**
 * A bounded LRU of validation outcomes with single-flight. Keys are SHA-256 digests of a random
 * per-instance salt plus the token: the token itself is never stored, and a heap dump's keys cannot
 * be matched against a list of stolen tokens without the salt.
 */
export class ValidationCache {
  readonly #salt = randomBytes(32).toString("base64url");
  readonly #entries: LRUCache<string, ValidationOutcome> | undefined;
  readonly #inflight = new Map<string, Promise<ValidationOutcome>>();
  readonly #clock: () => number;
  #hits = 0;
  #misses = 0;
  #joined = 0;

  constructor(options: ValidationCacheOptions) {
    this.#clock = options.clock;
    if (options.maxEntries > 0) {
      this.#entries = new LRUCache<string, ValidationOutcome>({
        max: options.maxEntries,
        maxSize: Math.max(options.maxBytes, ENTRY_OVERHEAD_BYTES),
        sizeCalculation: (outcome) =>
          ENTRY_OVERHEAD_BYTES + (outcome.ok ? JSON.stringify(outcome.identity).length : 0),
      });
    }
  }

  /** The cache key of a token. */
  keyOf(token: string): string {
    return hash("sha256", this.#salt + token, "base64url");
  }

  /** A still-valid cached outcome, or undefined. Expired entries are dropped on the way. */
  lookup(key: string): ValidationOutcome | undefined {
    const entries = this.#entries;
    if (!entries) return undefined;
    const outcome = entries.get(key);
    if (outcome === undefined) return undefined;
    if (outcome.cacheUntilMs > this.#clock()) {
      this.#hits += 1;
      return outcome;
    }
    entries.delete(key);
    return undefined;
  }

  /**
   * The outcome for `key`: cached, joined from a validation in flight, or computed now. Thrown
   * errors (the issuer being unavailable) are shared with the joined callers but never cached.
   */
  resolve(key: string, compute: () => Promise<ValidationOutcome>): Promise<ValidationOutcome> {
    const cached = this.lookup(key);
    if (cached) return Promise.resolve(cached);
    const pending = this.#inflight.get(key);
    if (pending) {
      this.#joined += 1;
      return pending;
    }
    this.#misses += 1;
    const work = compute()
      .then((outcome) => {
        if (this.#entries && outcome.cacheUntilMs > this.#clock()) this.#entries.set(key, outcome);
        return outcome;
      })
      .finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, work);
    return work;
  }

  clear(): void {
    this.#entries?.clear();
  }

  stats(): ValidationCacheStats {
    return {
      entries: this.#entries?.size ?? 0,
      hits: this.#hits,
      misses: this.#misses,
      joined: this.#joined,
    };
  }
}

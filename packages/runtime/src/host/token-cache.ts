import type { Authenticator, UserContext } from "@sfn/contracts";

/** A JWT in compact form: three base64url parts. Opaque (introspected) tokens are never cached here. */
const COMPACT_JWS = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface TokenCacheOptions {
  /** How long a validated token's UserContext is reused; 0 disables the cache. */
  ttlMs: number;
  /** Entries kept; beyond it the oldest entry is dropped (a hit does not reorder: one lookup per call). */
  maxEntries: number;
  now(): number;
}

interface Entry {
  header: string;
  user: UserContext;
  until: number;
}

/**
 * The Map key of a header: its last 48 characters (part of the token's signature). A fresh header
 * string arrives with every call, and hashing all of a ~1 KB token for the lookup cost more than the
 * rest of the lookup; the entry's full header is compared on a hit.
 */
const keyOf = (header: string): string => (header.length > 64 ? header.slice(-48) : header);

/**
 * The host's cache of validated bearer tokens in front of the Authenticator, keyed by the
 * `authorization` header itself: a repeated token costs one Map lookup instead of the authenticator's
 * syntax checks and hashing. Only successful JWT validations are kept, each until the earlier of `ttlMs`
 * and the token's own expiry; rejections and opaque tokens always go to the authenticator, and an
 * authenticator in introspection mode is never cached in front of (revocation must stay visible).
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #options: TokenCacheOptions;
  readonly #enabled: boolean;

  constructor(authenticator: Authenticator | undefined, options: TokenCacheOptions) {
    this.#options = options;
    const mode = (authenticator as { mode?: unknown } | undefined)?.mode;
    this.#enabled = authenticator !== undefined && options.ttlMs > 0 && mode !== "introspection";
  }

  /** The cached user of `header`, or undefined (unknown, expired, or not cacheable). */
  get(header: string): UserContext | undefined {
    if (!this.#enabled) return undefined;
    const key = keyOf(header);
    const entry = this.#entries.get(key);
    if (!entry || entry.header !== header) return undefined;
    if (entry.until > this.#options.now()) return entry.user;
    this.#entries.delete(key);
    return undefined;
  }

  /** Remembers a successful validation of `header`. */
  set(header: string, user: UserContext): void {
    if (!this.#enabled || !COMPACT_JWS.test(header)) return;
    const now = this.#options.now();
    const expiresAt = user.expiresAt === undefined ? Number.POSITIVE_INFINITY : user.expiresAt * 1000;
    const until = Math.min(now + this.#options.ttlMs, expiresAt);
    if (until <= now) return;
    const key = keyOf(header);
    this.#entries.delete(key);
    this.#entries.set(key, { header, user, until });
    if (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

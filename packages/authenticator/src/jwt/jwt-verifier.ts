import {
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyOptions,
  type JWTVerifyResult,
  jwtVerify,
} from "jose";
import { issuerUnavailable, tokenRejected } from "../errors/auth-errors.js";
import { reasonForJoseError } from "./jose-failure-reason.js";
import { type JwksKeySource, KeySetUnavailable } from "./jwks-key-source.js";

export interface JwtVerifierSettings {
  issuer: string;
  audiences: readonly string[];
  algorithms: readonly string[];
  clockToleranceSec: number;
  /** Accepted `typ` header values, normalised (lower case, without `application/`). */
  types: ReadonlySet<string>;
  /** Whether a JWT without `typ` is accepted. */
  allowMissingType: boolean;
  clock: () => number;
}

/** Local JWT validation: signature against the issuer's JWKS, then iss, aud, exp, nbf, iat and typ. */
export class JwtVerifier {
  readonly #keys: JwksKeySource;
  readonly #settings: JwtVerifierSettings;
  readonly #options: JWTVerifyOptions;
  readonly #realClock: boolean;

  constructor(keys: JwksKeySource, settings: JwtVerifierSettings) {
    this.#keys = keys;
    this.#settings = settings;
    this.#realClock = settings.clock === Date.now;
    this.#options = {
      issuer: settings.issuer,
      audience: [...settings.audiences],
      algorithms: [...settings.algorithms],
      clockTolerance: settings.clockToleranceSec,
      // A token that never expires is never accepted.
      requiredClaims: ["exp"],
    };
  }

  /**
   * The verified claims of a token that passed isWellFormedCompactJws (the caller checks it, before
   * the issuer is even needed). Rejects with Unauthorized (and a reason) or SystemError `issuer_unavailable`. */
  async verify(token: string): Promise<JWTPayload> {
    const options = this.#realClock
      ? this.#options
      : { ...this.#options, currentDate: new Date(this.#settings.clock()) };
    let result: JWTVerifyResult;
    try {
      result = await this.#verifyWithAnyMatchingKey(token, options);
    } catch (error) {
      if (error instanceof KeySetUnavailable) throw issuerUnavailable(error.cause);
      throw tokenRejected(reasonForJoseError(error));
    }
    this.#checkType(result.protectedHeader.typ);
    this.#checkIssuedAt(result.payload.iat);
    return result.payload;
  }

  /**
   * jose 6 leaves it to the caller to try each key when several match (no `kid`, key rotation in
   * progress): the error is then an async iterator over the candidate keys.
   */
  async #verifyWithAnyMatchingKey(token: string, options: JWTVerifyOptions): Promise<JWTVerifyResult> {
    try {
      return await jwtVerify(token, this.#keys.getKey, options);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw error;
      let last: unknown = error;
      for await (const key of error as AsyncIterable<CryptoKey>) {
        try {
          return await jwtVerify(token, key, options);
        } catch (attempt) {
          if ((attempt as { code?: unknown }).code !== "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") throw attempt;
          last = attempt;
        }
      }
      throw last;
    }
  }

  #checkType(typ: unknown): void {
    if (typ === undefined) {
      if (!this.#settings.allowMissingType) throw tokenRejected("claims_invalid");
      return;
    }
    if (typeof typ !== "string" || !this.#settings.types.has(normaliseType(typ))) {
      throw tokenRejected("claims_invalid");
    }
  }

  /** jose checks `iat` only with maxTokenAge; a token issued in the future means clock skew or forgery. */
  #checkIssuedAt(iat: unknown): void {
    if (iat === undefined) return;
    if (typeof iat !== "number" || !Number.isFinite(iat)) throw tokenRejected("claims_invalid");
    if (iat > this.#settings.clock() / 1000 + this.#settings.clockToleranceSec) {
      throw tokenRejected("token_not_yet_valid");
    }
  }
}

/** `application/at+JWT` → `at+jwt` (RFC 7515 §4.1.9: the prefix may be omitted, compare case-insensitively). */
export function normaliseType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith("application/") ? lower.slice("application/".length) : lower;
}

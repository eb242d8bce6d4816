import { type AuthFailureReason, ErrorCodes, SfnError, SystemError, UnauthorizedError } from "@sfn/contracts";

/** Every reason a token is rejected with `Unauthorized` (all but `issuer_unavailable`). */
export type TokenRejectionReason = Exclude<AuthFailureReason, "issuer_unavailable">;

// Fixed, human-readable texts: they travel on the wire (P-ERR-2), so they never carry library
// messages, claim values, URLs or the token.
const messages: Record<AuthFailureReason, string> = {
  token_missing: "no bearer token was presented",
  token_malformed: "the bearer token is malformed",
  token_too_large: "the bearer token is too large",
  token_expired: "the token has expired",
  token_not_yet_valid: "the token is not valid yet",
  issuer_mismatch: "the token was issued by an untrusted issuer",
  audience_mismatch: "the token is not intended for this service",
  algorithm_not_allowed: "the token's signature algorithm is not allowed",
  signature_invalid: "the token's signature is invalid",
  key_unknown: "the token was signed with an unknown key",
  token_inactive: "the token is not active",
  claims_invalid: "the token's claims are missing or invalid",
  issuer_unavailable: "the token issuer is unavailable",
};

/**
 * The rejection of a token: `Unauthorized` / `SFN_UNAUTHENTICATED` with `details: { reason }` and
 * nothing else (protocol §8.3). No cause is attached, so nothing internal can reach logs via it.
 */
export function tokenRejected(reason: TokenRejectionReason): UnauthorizedError {
  return new UnauthorizedError(messages[reason], { code: ErrorCodes.unauthenticated, details: { reason } });
}

/**
 * Discovery, JWKS or introspection could not be reached (or answered 5xx): `SystemError` /
 * `SFN_UNAUTHENTICATED`, retryable, `details: { reason: "issuer_unavailable" }`. The underlying
 * error is kept as `cause` for local diagnostics; `toErrorInfo()` never serialises it.
 */
export function issuerUnavailable(cause?: unknown): SystemError {
  return new SystemError(messages.issuer_unavailable, {
    code: ErrorCodes.unauthenticated,
    details: { reason: "issuer_unavailable" },
    retryable: true,
    cause,
  });
}

/** The `AuthFailureReason` of an error raised by an Authenticator, or undefined for any other value. */
export function authFailureReason(error: unknown): AuthFailureReason | undefined {
  if (!SfnError.isInstance(error) || error.code !== ErrorCodes.unauthenticated) return undefined;
  const details = error.details as { reason?: unknown } | undefined;
  const reason = details?.reason;
  return typeof reason === "string" && reason in messages ? (reason as AuthFailureReason) : undefined;
}

/** Whether `error` is an authentication failure (optionally with the given reason). */
export function isAuthFailure(error: unknown, reason?: AuthFailureReason): boolean {
  const actual = authFailureReason(error);
  return actual !== undefined && (reason === undefined || actual === reason);
}

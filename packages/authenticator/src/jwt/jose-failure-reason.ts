import type { TokenRejectionReason } from "../errors/auth-errors.js";

/**
 * The AuthFailureReason for an error jose raised while verifying a JWT. Unknown errors map to
 * `signature_invalid`: whatever went wrong, the token was not proven authentic (fail closed).
 */
export function reasonForJoseError(error: unknown): TokenRejectionReason {
  const { code, claim, reason } = (error ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return "token_expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return reasonForClaim(claim, reason);
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "algorithm_not_allowed";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "signature_invalid";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "key_unknown";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "token_malformed";
    case "ERR_JOSE_NOT_SUPPORTED":
      return "algorithm_not_allowed";
    default:
      return "signature_invalid";
  }
}

function reasonForClaim(claim: unknown, reason: unknown): TokenRejectionReason {
  if (claim === "iss") return "issuer_mismatch";
  if (claim === "aud") return "audience_mismatch";
  // A present but mistyped nbf is a broken claim, not a future one.
  if (claim === "nbf" && reason === "check_failed") return "token_not_yet_valid";
  return "claims_invalid";
}

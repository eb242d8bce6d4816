import type { TokenRejectionReason } from "../errors/auth-errors.js";

export interface IntrospectionChecks {
  issuer: string;
  audiences: readonly string[];
  /** Whether an answer without `aud` is rejected (audience_mismatch). */
  requireAudience: boolean;
  clockToleranceSec: number;
  clock: () => number;
}

/** What introspection said about a token: the claims of an active one, or why it is rejected. */
export type IntrospectionVerdict =
  | { readonly active: true; readonly claims: Readonly<Record<string, unknown>> }
  | { readonly active: false; readonly reason: TokenRejectionReason };

/**
 * Judges an RFC 7662 answer like a JWT's claims (protocol P-AUTH-2): `active`, `iss` when present,
 * `aud`, `exp`, `nbf`, and `token_type` when present (a refresh token is not an access token).
 */
export function judgeIntrospection(
  response: Readonly<Record<string, unknown>>,
  checks: IntrospectionChecks,
): IntrospectionVerdict {
  if (response.active !== true) return { active: false, reason: "token_inactive" };
  const now = checks.clock() / 1000;
  if (response.iss !== undefined && response.iss !== checks.issuer)
    return { active: false, reason: "issuer_mismatch" };

  const aud =
    typeof response.aud === "string" ? [response.aud] : Array.isArray(response.aud) ? response.aud : [];
  const audienceWaived = aud.length === 0 && !checks.requireAudience;
  if (!audienceWaived && !aud.some((a) => checks.audiences.includes(a))) {
    return { active: false, reason: "audience_mismatch" };
  }

  const { exp, nbf } = response;
  if (!isOptionalNumber(exp) || !isOptionalNumber(nbf)) return { active: false, reason: "claims_invalid" };
  if (exp !== undefined && exp <= now - checks.clockToleranceSec)
    return { active: false, reason: "token_expired" };
  if (nbf !== undefined && nbf > now + checks.clockToleranceSec)
    return { active: false, reason: "token_not_yet_valid" };

  const type = response.token_type;
  if (type !== undefined && (typeof type !== "string" || !ACCESS_TOKEN_TYPES.has(type.toLowerCase()))) {
    return { active: false, reason: "claims_invalid" };
  }
  const { active: _active, ...claims } = response;
  return { active: true, claims };
}

const ACCESS_TOKEN_TYPES = new Set(["bearer", "access_token"]);

function isOptionalNumber(value: unknown): value is number | undefined {
  return value === undefined || (typeof value === "number" && Number.isFinite(value));
}

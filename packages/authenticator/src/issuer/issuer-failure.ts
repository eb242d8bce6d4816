/**
 * Whether an error from talking to the issuer means "not reachable right now" (network error,
 * timeout, HTTP 5xx or 429) rather than "answered, and the answer is wrong" (4xx, bad metadata).
 * Only the former is worth retrying, and only it becomes `issuer_unavailable` at discovery time.
 */
export function isTransientIssuerFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code, cause, status, message } = error as Record<string, unknown>;
  // undici: TypeError("fetch failed") with the socket error as cause.
  if (name === "TypeError" && (message === "fetch failed" || hasStringCode(cause))) return true;
  // AbortSignal.timeout() of jose and openid-client, and jose's own timeout error.
  if (name === "TimeoutError" || code === "ERR_JWKS_TIMEOUT") return true;
  if (typeof status === "number") return isTransientStatus(status);
  // openid-client: unexpected status codes carry the Response as cause.
  if (cause instanceof Response) return isTransientStatus(cause.status);
  return false;
}

function hasStringCode(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string"
  );
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** The HTTP status of an openid-client error, when it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { cause, status } = error as { cause?: unknown; status?: unknown };
  if (typeof status === "number") return status;
  return cause instanceof Response ? cause.status : undefined;
}

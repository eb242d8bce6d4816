/** Runtime retry policy (P-ERR-8): exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts including the first; default 3. */
  maxAttempts: number;
  /** Milliseconds; default 100. */
  baseDelayMs: number;
  /** Milliseconds; default 2,000. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Delay before attempt `attempt + 1` (attempt counts from 1): random(0, min(max, base × 2^(attempt−1))). */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

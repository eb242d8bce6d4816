/** Retry schedule of discovery: exponential backoff with full jitter (as the runtime's P-ERR-8). */
export interface RetrySchedule {
  /** Attempts in all, including the first. */
  attempts: number;
  /** Upper bound of the first delay. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
}

/** The delay before attempt `attempt + 1` (attempt counts from 1): random(0, min(max, initial × 2^(attempt−1))). */
export function backoffDelay(
  schedule: RetrySchedule,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(schedule.maxDelayMs, schedule.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

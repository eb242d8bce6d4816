/**
 * Attempts per callId, in memory (contract `fail` with `failAttempts`: only the first n attempts of one
 * callId fail). Bounded: the oldest callIds are forgotten first once `capacity` is reached.
 */
export class AttemptCounter {
  readonly #attempts = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** Records one more attempt of `callId` and returns its number, 1 for the first. */
  next(callId: string): number {
    const attempt = (this.#attempts.get(callId) ?? 0) + 1;
    this.#attempts.delete(callId);
    this.#attempts.set(callId, attempt);
    if (this.#attempts.size > this.#capacity) {
      const oldest = this.#attempts.keys().next().value;
      if (oldest !== undefined) this.#attempts.delete(oldest);
    }
    return attempt;
  }
}

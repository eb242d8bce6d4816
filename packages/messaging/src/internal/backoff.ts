export interface BackoffOptions {
  /** Delay before the first reconnect attempt, ms (default 100). */
  initialDelayMs?: number;
  /** Upper bound of the delay, ms (default 10,000). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Random spread of ±jitter × delay, 0..1 (default 0.2), so a fleet does not reconnect in lockstep. */
  jitter?: number;
}

/** Exponential backoff with jitter; `next()` gives the delay of the next attempt, `reset()` starts over. */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.#initial = Math.max(1, options.initialDelayMs ?? 100);
    this.#max = Math.max(this.#initial, options.maxDelayMs ?? 10_000);
    this.#factor = Math.max(1, options.factor ?? 2);
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
    this.#random = random;
  }

  get attempt(): number {
    return this.#attempt;
  }

  next(): number {
    const base = Math.min(this.#max, this.#initial * this.#factor ** this.#attempt);
    this.#attempt += 1;
    const spread = base * this.#jitter * (this.#random() * 2 - 1);
    return Math.round(Math.min(this.#max, Math.max(1, base + spread)));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

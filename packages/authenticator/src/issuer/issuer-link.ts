import { raceAbort, SfnError } from "@sfn/contracts";
import { issuerUnavailable } from "../errors/auth-errors.js";

/** Loads the issuer's state; `attempts` bounds the retries of this load. */
export type IssuerLoader<T> = (attempts: number | undefined, signal: AbortSignal | undefined) => Promise<T>;

/**
 * The discovered issuer, loaded once and kept. While loading, callers wait (each with its own
 * signal); after a failed load they fail fast with `issuer_unavailable` for `retryCooldownMs`, and
 * the next caller after that starts one new attempt. Only one load runs at a time.
 */
export class IssuerLink<T> {
  readonly #load: IssuerLoader<T>;
  readonly #retryCooldownMs: number;
  readonly #clock: () => number;
  #value: T | undefined;
  #pending: Promise<T> | undefined;
  #failure: { at: number; error: unknown } | undefined;

  constructor(load: IssuerLoader<T>, retryCooldownMs: number, clock: () => number) {
    this.#load = load;
    this.#retryCooldownMs = retryCooldownMs;
    this.#clock = clock;
  }

  /** Starts the initial load with the full retry schedule; the returned promise rejects with the load's own error. */
  start(signal?: AbortSignal): Promise<T> {
    return this.#begin(undefined, signal);
  }

  /** The issuer state, loading it first when needed. Rejects with SystemError `issuer_unavailable` or an abort error. */
  get(signal?: AbortSignal): Promise<T> {
    if (this.#value !== undefined) return Promise.resolve(this.#value);
    if (this.#pending) return raceAbort(this.#pending.catch(asUnavailable), signal);
    const failure = this.#failure;
    if (failure && this.#clock() - failure.at < this.#retryCooldownMs) {
      return Promise.reject(issuerUnavailable(failure.error));
    }
    return raceAbort(this.#begin(1, undefined).catch(asUnavailable), signal);
  }

  #begin(attempts: number | undefined, signal: AbortSignal | undefined): Promise<T> {
    const pending = this.#load(attempts, signal).then(
      (value) => {
        this.#value = value;
        this.#failure = undefined;
        this.#pending = undefined;
        return value;
      },
      (error: unknown) => {
        this.#failure = { at: this.#clock(), error };
        this.#pending = undefined;
        throw error;
      },
    );
    this.#pending = pending;
    // Background loads may have no listener yet; the failure is reported through get().
    pending.catch(() => {});
    return pending;
  }
}

function asUnavailable(error: unknown): never {
  if (
    SfnError.isInstance(error) &&
    (error.details as { reason?: unknown } | undefined)?.reason === "issuer_unavailable"
  ) {
    throw error;
  }
  throw issuerUnavailable(error);
}

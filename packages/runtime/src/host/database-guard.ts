import { SfnError, SystemError } from "@sfn/contracts";
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from "cockatiel";
import type { RuntimeLogger } from "../observability/logger.js";

/** The database's circuit breaker settings. */
export interface CircuitBreakerPolicy {
  /** Consecutive connection failures that open the circuit; default 5. */
  failureThreshold: number;
  /** Milliseconds the circuit stays open before one trial call (half-open); default 2,000. */
  halfOpenAfterMs: number;
}

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerPolicy = { failureThreshold: 5, halfOpenAfterMs: 2_000 };

/** The code of every "database is unreachable" failure, from the driver or from the open circuit. */
export const DATABASE_UNAVAILABLE = "SFN_DB_UNAVAILABLE";

/** Runs database work through a circuit breaker (cockatiel): a dead database fails calls at once. */
export interface DatabaseGuard {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** "closed", "open", "half-open" or "isolated". */
  readonly state: string;
}

function isUnavailable(error: unknown): boolean {
  return SfnError.isInstance(error) && error.code === DATABASE_UNAVAILABLE;
}

/**
 * @sfn/datastore maps a socket failure (ECONNREFUSED, ECONNRESET, …: a Node error code where a SQLSTATE
 * would be) to SFN_DB_ERROR with the socket address in the message. For the caller and the breaker it is
 * the database being unreachable: SFN_DB_UNAVAILABLE, retryable, without the address.
 */
function asUnavailable(error: unknown): unknown {
  if (!SfnError.isInstance(error) || error.code !== "SFN_DB_ERROR") return error;
  const sqlState = (error.details as { sqlState?: unknown } | undefined)?.sqlState;
  if (typeof sqlState !== "string" || !/^E[A-Z0-9_]+$/.test(sqlState)) return error;
  return new SystemError("the database is unreachable", {
    code: DATABASE_UNAVAILABLE,
    retryable: true,
    details: { cause: sqlState },
  });
}

export function databaseGuard(policy: CircuitBreakerPolicy, logger: RuntimeLogger): DatabaseGuard {
  const breaker = circuitBreaker(handleWhen(isUnavailable), {
    halfOpenAfter: policy.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(policy.failureThreshold),
  });
  breaker.onBreak(() => logger.warn({ circuit: "open" }, "database unreachable: circuit open, failing fast"));
  breaker.onReset(() => logger.info({ circuit: "closed" }, "database reachable again: circuit closed"));
  const names: Record<CircuitState, string> = {
    [CircuitState.Closed]: "closed",
    [CircuitState.Open]: "open",
    [CircuitState.HalfOpen]: "half-open",
    [CircuitState.Isolated]: "isolated",
  };
  return {
    async run(work) {
      try {
        return await breaker.execute(() =>
          work().catch((error: unknown) => {
            throw asUnavailable(error);
          }),
        );
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          throw new SystemError("the database is unavailable (circuit open)", {
            code: DATABASE_UNAVAILABLE,
            retryable: false,
            details: { circuit: "open" },
          });
        }
        throw error;
      }
    },
    get state() {
      return names[breaker.state];
    },
  };
}

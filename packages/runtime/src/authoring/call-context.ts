import type { Authorizer, DataStore, Headers, Messaging, UserContext } from "@sfn/contracts";
import type { RuntimeLogger } from "../observability/logger.js";

/**
 * What a function receives for one call, bound to the caller: the platform interfaces act as the
 * caller's identity, and `signal` aborts when the call's time limit passes (SFN_TIMEOUT).
 */
export interface CallContext<Config = Record<string, unknown>> {
  /** The caller, or undefined for an anonymous call to an `authenticated: false` function. */
  user: UserContext | undefined;
  /** The caller's DataStore inside the call's transaction (exactly-once effects); undefined when no database is configured. */
  dataStore: DataStore | undefined;
  /** Messaging bound to the caller (nested calls carry the caller's token); undefined when not configured. */
  messaging: Messaging | undefined;
  /** The Authorizer; undefined when not configured. */
  authorizer: Authorizer | undefined;
  config: Config;
  logger: RuntimeLogger;
  signal: AbortSignal;
  callId: string;
  /**
   * The incoming call's headers as received (`traceparent`, `tracestate`, `deadline`, application
   * headers; `authorization` too — the same token as `user.token`). Read-only.
   */
  headers: Readonly<Headers>;
  function: string;
  /** Milliseconds since the epoch after which the result is discarded. */
  deadline: number;
}

/** A function implementation: typed parameters in, JSON-serialisable result out. */
export type FunctionHandler<P = unknown, R = unknown, Config = Record<string, unknown>> = (
  parameters: P,
  ctx: CallContext<Config>,
) => Promise<R> | R;

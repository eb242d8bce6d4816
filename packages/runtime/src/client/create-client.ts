import { type Messaging, serviceTopic } from "@sfn/contracts";
import type { FunctionHandler } from "../authoring/call-context.js";

export interface CallOptions {
  /** Milliseconds to wait for the reply; default the client's (30,000). */
  timeoutMs?: number;
  /** Reuse to retry one logical call (the service de-duplicates it). */
  callId?: string;
  signal?: AbortSignal;
}

export interface ClientOptions {
  timeoutMs?: number;
  topicPrefix?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: any context type is accepted
type AnyHandler = FunctionHandler<any, any, any>;

/** A typed caller: one method per function, typed from the service's handlers. */
export type ServiceClient<F extends Record<string, AnyHandler> = Record<string, AnyHandler>> = {
  [K in keyof F & string]: F[K] extends FunctionHandler<infer P, infer R, infer _C>
    ? (parameters: P, options?: CallOptions) => Promise<Awaited<R>>
    : never;
};

/**
 * Calls service `serviceName` through `messaging` (bound to the caller): `await users.createUser({…})`
 * resolves with the result or rejects with the typed error of the error reply.
 */
export function createClient<F extends Record<string, AnyHandler> = Record<string, AnyHandler>>(
  messaging: Messaging,
  serviceName: string,
  options: ClientOptions = {},
): ServiceClient<F> {
  const topic = serviceTopic(serviceName, options.topicPrefix ? { prefix: options.topicPrefix } : undefined);
  const call = async (fn: string, parameters: Record<string, unknown>, callOptions: CallOptions = {}) => {
    const reply = await messaging.sendAndWait(
      topic,
      { function: fn, parameters },
      callOptions.timeoutMs ?? options.timeoutMs ?? 30_000,
      { callId: callOptions.callId, signal: callOptions.signal },
    );
    return (reply.body as { result: unknown }).result;
  };
  return new Proxy({} as ServiceClient<F>, {
    get(_target, property) {
      if (typeof property !== "string" || property === "then") return undefined;
      return (parameters: Record<string, unknown>, callOptions?: CallOptions) =>
        call(property, parameters, callOptions);
    },
  });
}

import type { Envelope, HookEvent } from "@sfn/contracts";
import { Activity } from "../../src/client/activity.js";
import type { ClientContext } from "../../src/client/client-context.js";
import { resolveClientOptions } from "../../src/client/client-options.js";
import { PendingCalls } from "../../src/client/pending-calls.js";
import { HookRegistry } from "../../src/hooks/hook-registry.js";
import { safeLogger } from "../../src/internal/logger.js";
import { noTracePropagation } from "../../src/tracing/trace-context.js";

/**
 * A ClientContext without connections, for unit tests of the parts that only route, decode and run
 * hooks. Every on-error event is collected in `errors`.
 */
export function fakeContext(overrides: Partial<ClientContext> = {}): ClientContext & { errors: HookEvent[] } {
  const log = safeLogger({});
  const hooks = new HookRegistry(log);
  const errors: HookEvent[] = [];
  hooks.add("on-error", (event) => {
    errors.push(event);
  });
  const context = {
    options: resolveClientOptions({ url: "mqtt://127.0.0.1:1", logger: {} }),
    log,
    hooks,
    trace: noTracePropagation,
    main: undefined as never,
    listeners: undefined as never,
    replyTopic: "reply/test",
    calls: new PendingCalls<Envelope>(),
    shared: undefined as never,
    activity: new Activity(),
    closeSignal: new AbortController().signal,
    subscribers: new Set<{ close(): Promise<void> }>(),
    subscriberIds: new Map(),
    ...overrides,
    errors,
  };
  return context;
}

/** The codes of the errors reported to the on-error hooks, in order. */
export function reportedCodes(context: { errors: HookEvent[] }): string[] {
  return context.errors.map((event) => String((event.error as { code?: unknown }).code));
}

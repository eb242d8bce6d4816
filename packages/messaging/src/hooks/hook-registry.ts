import type { Hook, HookEvent, HookType } from "@sfn/contracts";
import { SystemError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import { isPromiseLike } from "../internal/deferred.js";
import type { SafeLogger } from "../internal/logger.js";

/**
 * The before-send, after-receive and on-error hooks of one client. Hooks run in registration order; a
 * hook that throws or rejects is reported to the on-error hooks (code SFN_HOOK_FAILED) and never stops
 * the message. Running hooks costs nothing when none are registered, and a promise is only awaited
 * when some hook returned one.
 */
export class HookRegistry {
  readonly #hooks: Record<HookType, Hook[]> = { "before-send": [], "after-receive": [], "on-error": [] };
  readonly #log: SafeLogger;

  constructor(log: SafeLogger) {
    this.#log = log;
  }

  add(type: HookType, hook: Hook): () => void {
    const list = this.#hooks[type];
    if (list === undefined || typeof hook !== "function") {
      throw new TypeError(`addHook needs a hook type (before-send, after-receive, on-error) and a function`);
    }
    const entry: Hook = (event) => hook(event);
    list.push(entry);
    return () => {
      const index = list.indexOf(entry);
      if (index !== -1) list.splice(index, 1);
    };
  }

  has(type: HookType): boolean {
    return this.#hooks[type].length > 0;
  }

  /** Runs the hooks of `event.type`; returns a promise only when a hook is asynchronous. */
  run(event: HookEvent): Promise<void> | undefined {
    const hooks = this.#hooks[event.type];
    if (hooks.length === 0) return undefined;
    let pending: Promise<void>[] | undefined;
    for (const hook of hooks.slice()) {
      try {
        const result = hook(event);
        if (isPromiseLike(result)) {
          pending ??= [];
          pending.push(Promise.resolve(result).then(undefined, (error) => this.#hookFailed(event, error)));
        }
      } catch (error) {
        this.#hookFailed(event, error);
      }
    }
    return pending === undefined ? undefined : Promise.all(pending).then(() => undefined);
  }

  /** Reports a problem to the on-error hooks (fire and forget; they can never throw into the caller). */
  reportError(topic: string, error: unknown, envelope?: HookEvent["envelope"]): void {
    this.#log.debug("reported to on-error hooks", { topic, code: (error as { code?: unknown }).code });
    const event: HookEvent = {
      type: "on-error",
      topic,
      error,
      ...(envelope === undefined ? {} : { envelope }),
    };
    const result = this.run(event);
    result?.catch(() => {});
  }

  #hookFailed(event: HookEvent, error: unknown): void {
    if (event.type === "on-error") {
      // Reporting a failing on-error hook to itself would loop; the log is the last resort.
      this.#log.warn("an on-error hook failed", { topic: event.topic, error: String(error) });
      return;
    }
    const failure = new SystemError(`a ${event.type} hook failed`, {
      code: MessagingErrorCodes.hookFailed,
      cause: error,
      details: { hook: event.type },
      retryable: false,
    });
    this.reportError(event.topic, failure, event.envelope);
  }
}

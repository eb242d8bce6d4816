import { BusinessLogicError, type ErrorType, errorClassFor, type SfnErrorOptions } from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";
import type { ConformanceSettings } from "../settings.js";
import { sleep } from "../sleep.js";
import { dataStoreOf } from "./require.js";

export interface FailInput {
  type?: ErrorType;
  code?: string;
  details?: unknown;
  retryable?: boolean;
  untyped?: boolean;
  failAttempts?: number;
  writeFirst?: boolean;
}

/** Raised by `fail` with `untyped: true`: a plain exception, which the runtime must hide (P-ERR-3). */
export class DeliberateUntypedFailure extends Error {
  override readonly name = "DeliberateUntypedFailure";
}

function errorOptions(p: { code?: string; details?: unknown; retryable?: boolean }): SfnErrorOptions {
  const options: SfnErrorOptions = {};
  if (p.code !== undefined) options.code = p.code;
  if (p.details !== undefined) options.details = p.details;
  if (p.retryable !== undefined) options.retryable = p.retryable;
  return options;
}

/** failBusiness, fail, slow, counter: errors, retries, time limits and effects for exactly-once checks. */
export function failureFunctions(settings: ConformanceSettings) {
  return {
    failBusiness: (p: { code?: string; details?: unknown }) => {
      throw new BusinessLogicError("deliberate business failure", errorOptions(p));
    },

    fail: async (p: FailInput, ctx: CallContext) => {
      const attempt = settings.attempts.next(ctx.callId);
      if (p.failAttempts !== undefined && attempt > p.failAttempts) return null;
      if (p.writeFirst) {
        await dataStoreOf(ctx).insert("effects", { callId: ctx.callId, attempt }, { signal: ctx.signal });
      }
      if (p.untyped) throw new DeliberateUntypedFailure(`deliberate untyped failure (attempt ${attempt})`);
      const ErrorClass = errorClassFor(p.type ?? "SystemError");
      throw new ErrorClass(`deliberate ${p.type ?? "SystemError"} (attempt ${attempt})`, errorOptions(p));
    },

    slow: async (p: { ms: number }, ctx: CallContext) => {
      const started = Date.now();
      await sleep(p.ms, ctx.signal);
      return { sleptMs: Date.now() - started };
    },

    /** One insert per execution, in the call's transaction; the value is what the caller sees afterwards. */
    counter: async (p: { name: string; by?: number; delayMs?: number }, ctx: CallContext) => {
      const store = dataStoreOf(ctx);
      if (p.delayMs) await sleep(p.delayMs, ctx.signal);
      const document: Record<string, unknown> = { name: p.name, callId: ctx.callId };
      if (p.by !== undefined) document.by = p.by;
      await store.insert("counters", document, { signal: ctx.signal });
      const seen = await store.query("counters", { filter: { name: p.name } }, 1, 1, { signal: ctx.signal });
      return { value: seen.total };
    },
  };
}

import {
  type CallEnvelope,
  type DataStore,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ErrorCodes,
  type ErrorInfo,
  type FunctionSpec,
  type ReplyBody,
  SfnError,
  SystemError,
  type UserContext,
  ValidationError,
} from "@sfn/contracts";
import { processedCalls, type SqlExecutor } from "@sfn/datastore";
import type { CallContext, FunctionHandler } from "../authoring/call-context.js";
import { PoisonDisposition } from "../authoring/poison.js";
import { traceFields } from "../observability/trace-fields.js";
import { boundedMessaging } from "./bounded-messaging.js";
import { guardedExecutor } from "./guarded-executor.js";
import type { HostContext } from "./host-context.js";
import { lazyTransaction } from "./lazy-transaction.js";
import { backoffDelay, sleep } from "./retry.js";
import { withTimeLimit } from "./time-limit.js";

export type ExecutionOutcome =
  | { kind: "success"; body: ReplyBody; attempts: number }
  | { kind: "duplicate"; body: ReplyBody; attempts: number }
  | { kind: "error"; error: ErrorInfo; attempts: number; deadLetter: boolean }
  /** The function answered `dropMessage`: acknowledge, reply nothing. */
  | { kind: "drop"; reason: string; attempts: number };

/** DataStore writes need an identity; an anonymous call writes as this user (RLS applies). */
export const ANONYMOUS_USER: UserContext = Object.freeze({ userId: "anonymous", roles: [], groups: [] });

/**
 * A concurrent duplicate committed first: roll back our effects and answer with its reply. An
 * SfnError, because the datastore driver rewraps any other error thrown inside a transaction.
 */
/**
 * The reason an attempt's signal aborts once the attempt is over (cancels statements still running on
 * its transaction). One shared instance: `abort()` without a reason would build a DOMException, with
 * its stack trace, for every call.
 */
const ATTEMPT_ENDED = new SystemError("the call's transaction has ended", {
  code: ErrorCodes.internal,
  retryable: false,
});

class DuplicateCommitted extends SystemError {
  constructor() {
    super("a duplicate of this call committed first", { code: "SFN_INTERNAL", retryable: false });
  }
}

interface Call {
  envelope: CallEnvelope;
  fn: string;
  spec: FunctionSpec;
  handler: FunctionHandler;
  user: UserContext | undefined;
  /** Absolute ms: min(timeoutMs, deadline − now) from the start of step 12 (P-TIME-4). */
  limitAt: number;
}

/** Steps 11–14 of protocol.md §7: de-duplicate, execute with retries and a time limit, check the result. */
export async function executeCall(host: HostContext, call: Call): Promise<ExecutionOutcome> {
  let attempts = 0;
  let laterAnswers = 0;
  for (;;) {
    attempts++;
    try {
      const outcome = await attempt(host, call);
      return { ...outcome, attempts };
    } catch (thrown) {
      if (thrown instanceof DuplicateCommitted) {
        const stored = await findStored(host, call);
        if (stored) return { kind: "duplicate", body: stored, attempts };
        continue;
      }
      if (PoisonDisposition.isDisposition(thrown)) {
        const answer = thrown;
        if (answer.disposition === "drop") return { kind: "drop", reason: answer.message, attempts };
        if (answer.disposition === "dead-letter") {
          return { kind: "error", error: answer.replyError, attempts, deadLetter: true };
        }
        laterAnswers++;
        if (laterAnswers <= host.retryLaterLimit && host.now() + answer.delayMs < call.limitAt) {
          await sleep(answer.delayMs);
          continue;
        }
        const error = new SystemError(`still not processable after ${laterAnswers} retry-later answers`, {
          code: "SFN_RETRY_LATER_EXHAUSTED",
          retryable: false,
          details: { reason: answer.message },
        });
        return { kind: "error", error: error.toErrorInfo(), attempts, deadLetter: true };
      }
      const error = normalise(host, call, thrown);
      if (error.type === "SystemError" && error.retryable && attempts < host.retry.maxAttempts) {
        const delay = backoffDelay(host.retry, attempts);
        if (host.now() + delay < call.limitAt) {
          await sleep(delay);
          continue;
        }
      }
      return {
        kind: "error",
        error: error.toErrorInfo(),
        attempts,
        deadLetter: error.type === "SystemError",
      };
    }
  }
}

function normalise(host: HostContext, call: Call, thrown: unknown): SfnError {
  if (SfnError.isInstance(thrown)) return thrown;
  if (PoisonDisposition.isDisposition(thrown)) return thrown;
  // P-ERR-3: log the original, reply exactly the opaque internal error.
  host.logger.error(
    {
      callId: call.envelope.callId,
      function: call.fn,
      ...traceFields(call.envelope.headers),
      err: thrown instanceof Error ? thrown.stack : String(thrown),
    },
    "function failed with an unexpected exception",
  );
  return new SystemError("internal error", { code: ErrorCodes.internal });
}

async function attempt(
  host: HostContext,
  call: Call,
): Promise<{ kind: "success" | "duplicate"; body: ReplyBody }> {
  const factory = host.dataStores;
  if (!factory) {
    return { kind: "success", body: await run(host, call, undefined) };
  }
  const dedup = host.dedup && call.spec.idempotent !== true;
  const user = call.user ?? ANONYMOUS_USER;
  const attemptSignal = new AbortController();
  if (!dedup) {
    // No record to write: the transaction begins only if the function uses its DataStore.
    const lazy = lazyTransaction((fn) => host.database.run(() => factory.driver.transaction(fn)));
    const guard = guardedExecutor(lazy.executor, attemptSignal.signal);
    try {
      const store = factory.createDataStore(user, {
        transaction: guard.executor,
        callId: call.envelope.callId,
      });
      const body = await run(host, call, store, attemptSignal);
      guard.close();
      await lazy.commit();
      return { kind: "success", body };
    } finally {
      guard.close();
      if (lazy.begun) {
        attemptSignal.abort(ATTEMPT_ENDED);
        await lazy.rollback();
      }
    }
  }
  return host.database
    .run(() =>
      factory.driver.transaction(async (tx) => {
        // Serialises concurrent duplicates (P-DEDUP-3): the second waits, then finds the stored reply.
        await tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [
          `${host.service.name}/${call.envelope.callId}`,
        ]);
        const stored = await processedCalls.find(tx, host.service.name, call.envelope.callId);
        if (stored) return { kind: "duplicate" as const, body: stored as ReplyBody };
        const guard = guardedExecutor(tx, attemptSignal.signal);
        try {
          const store = factory.createDataStore(user, {
            transaction: guard.executor,
            callId: call.envelope.callId,
          });
          const body = await run(host, call, store, attemptSignal);
          await record(host, tx, call, body);
          return { kind: "success" as const, body };
        } finally {
          guard.close();
        }
      }),
    )
    .finally(() => attemptSignal.abort(ATTEMPT_ENDED));
}

async function record(host: HostContext, tx: SqlExecutor, call: Call, body: ReplyBody): Promise<void> {
  const recorded = await processedCalls.record(
    tx,
    host.service.name,
    call.envelope.callId,
    body,
    host.dedupTtlSeconds,
  );
  if (!recorded) throw new DuplicateCommitted();
}

async function findStored(host: HostContext, call: Call): Promise<ReplyBody | undefined> {
  const driver = host.dataStores?.driver;
  if (!driver) return undefined;
  const stored = await host.database.run(() =>
    driver.transaction((tx) => processedCalls.find(tx, host.service.name, call.envelope.callId)),
  );
  return (stored ?? undefined) as ReplyBody | undefined;
}

async function run(
  host: HostContext,
  call: Call,
  dataStore: DataStore | undefined,
  attempt?: AbortController,
): Promise<ReplyBody> {
  const result = await withTimeLimit(call.limitAt - host.now(), async (signal) => {
    signal.addEventListener("abort", () => attempt?.abort(signal.reason));
    try {
      return await invoke(host, call, dataStore, signal);
    } catch (thrown) {
      // Typed here: the datastore driver would otherwise wrap the exception, message included.
      throw normalise(host, call, thrown);
    }
  });
  const value = result === undefined ? null : result;
  if (host.validateOutput) {
    const check = host.validators.get(call.fn)?.output(value);
    if (check && !check.valid) {
      throw new SystemError("the result does not match the output schema", {
        code: ErrorCodes.resultInvalid,
        retryable: false,
        details: { violations: check.violations },
      });
    }
  }
  const body: ReplyBody = { status: "success", result: value };
  // Reply envelope overhead (ids, headers) is well under 1 KiB.
  const size = Buffer.byteLength(JSON.stringify(body)) + 1024;
  const limit = host.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (size > limit) {
    throw new ValidationError("the result is too large for a reply", {
      code: ErrorCodes.payloadTooLarge,
      details: { size, limit },
    });
  }
  return body;
}

function invoke(
  host: HostContext,
  call: Call,
  dataStore: DataStore | undefined,
  signal: AbortSignal,
): unknown {
  const ctx: CallContext = {
    user: call.user,
    dataStore,
    messaging: boundedMessaging(host.messagingFor?.(call.user), call.limitAt),
    authorizer: host.authorizerFor?.(call.user),
    config: host.config,
    logger: host.logger.child({
      callId: call.envelope.callId,
      function: call.fn,
      ...traceFields(call.envelope.headers),
    }),
    signal,
    callId: call.envelope.callId,
    headers: Object.freeze({ ...call.envelope.headers }),
    function: call.fn,
    deadline: call.limitAt,
  };
  return call.handler(call.envelope.body.parameters, ctx);
}

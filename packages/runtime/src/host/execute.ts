import {
  type Authorizer,
  type CallEnvelope,
  type DataStore,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ErrorCodes,
  type ErrorInfo,
  type FunctionSpec,
  type Headers,
  type Messaging,
  type ReplyBody,
  SfnError,
  SystemError,
  type UserContext,
  ValidationError,
} from "@sfn/contracts";
import { processedCalls } from "@sfn/datastore";
import type { CallContext, FunctionHandler } from "../authoring/call-context.js";
import { PoisonDisposition } from "../authoring/poison.js";
import type { RuntimeLogger } from "../observability/logger.js";
import { traceFields } from "../observability/trace-fields.js";
import { AttemptSignals } from "./attempt-signals.js";
import { boundedMessaging } from "./bounded-messaging.js";
import { guardedExecutor } from "./guarded-executor.js";
import type { HostContext } from "./host-context.js";
import { type LazyTransaction, lazyTransaction } from "./lazy-transaction.js";
import { claimStatement, isCallRecorded, recordStatement } from "./processed-call-claim.js";
import { backoffDelay, sleep } from "./retry.js";
import { withTimeLimit } from "./time-limit.js";

export type ExecutionOutcome =
  /** `json`: the body's JSON text, serialised once (absent for a stored reply). */
  | { kind: "success"; body: ReplyBody; json?: string; attempts: number }
  | { kind: "duplicate"; body: ReplyBody; attempts: number }
  | { kind: "error"; error: ErrorInfo; attempts: number; deadLetter: boolean }
  /** The function answered `dropMessage`: acknowledge, reply nothing. */
  | { kind: "drop"; reason: string; attempts: number };

/** DataStore writes need an identity; an anonymous call writes as this user (RLS applies). */
export const ANONYMOUS_USER: UserContext = Object.freeze({ userId: "anonymous", roles: [], groups: [] });

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
      // A concurrent duplicate recorded the call first (our effects rolled back): answer with its reply.
      if (isCallRecorded(thrown)) {
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

/** A reply body with its JSON text, serialised once for the size check, the stored reply and the wire. */
export interface EncodedReply {
  body: ReplyBody;
  json: string;
}

type AttemptOutcome = { kind: "success" | "duplicate"; body: ReplyBody; json?: string };

async function attempt(host: HostContext, call: Call): Promise<AttemptOutcome> {
  const factory = host.dataStores;
  const signals = new AttemptSignals();
  if (!factory) {
    try {
      return { kind: "success", ...(await run(host, call, signals, undefined)) };
    } finally {
      signals.end();
    }
  }
  const dedup = host.dedup && call.spec.idempotent !== true;
  const user = call.user ?? ANONYMOUS_USER;
  if (!dedup) {
    // No record to write: the transaction begins only if the function uses its DataStore, and the
    // DataStore itself is built only if the function reads `ctx.dataStore`.
    let lazy: LazyTransaction | undefined;
    let guard: ReturnType<typeof guardedExecutor> | undefined;
    const dataStore = () => {
      lazy = lazyTransaction((fn) => host.database.run(() => factory.driver.transaction(fn)));
      guard = guardedExecutor(lazy.executor, signals.statements);
      return factory.createDataStore(user, { transaction: guard.executor, callId: call.envelope.callId });
    };
    try {
      const reply = await run(host, call, signals, dataStore);
      guard?.close();
      await lazy?.commit();
      return { kind: "success", ...reply };
    } finally {
      guard?.close();
      signals.end();
      if (lazy?.begun) await lazy.rollback();
    }
  }
  const { name } = host.service;
  const { callId } = call.envelope;
  return host.database
    .run(() =>
      factory.driver.compactTransaction<AttemptOutcome, { reply: unknown }>(
        claimStatement(name, callId),
        async (tx, [claimed]) => {
          if (claimed?.reply) return { value: { kind: "duplicate", body: claimed.reply as ReplyBody } };
          let guard: ReturnType<typeof guardedExecutor> | undefined;
          const dataStore = () => {
            guard = guardedExecutor(tx, signals.statements);
            return factory.createDataStore(user, { transaction: guard.executor, callId });
          };
          try {
            const reply = await run(host, call, signals, dataStore);
            return {
              value: { kind: "success", ...reply },
              last: recordStatement(name, callId, reply.json, host.dedupTtlSeconds),
            };
          } finally {
            guard?.close();
          }
        },
      ),
    )
    .finally(() => signals.end());
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
  signals: AttemptSignals,
  dataStore: (() => DataStore) | undefined,
): Promise<EncodedReply> {
  let result: unknown;
  try {
    result = await withTimeLimit(
      call.limitAt - host.now(),
      () => invoke(host, call, dataStore, signals),
      (error) => signals.timeOut(error),
    );
  } catch (thrown) {
    // Typed here: the datastore driver would otherwise wrap the exception, message included.
    throw normalise(host, call, thrown);
  }
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
  // Serialised once: for the size check here, the stored reply (dedup) and the reply envelope.
  const json = `{"status":"success","result":${JSON.stringify(value) ?? "null"}}`;
  // Reply envelope overhead (ids, headers) is well under 1 KiB.
  const size = Buffer.byteLength(json) + 1024;
  const limit = host.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (size > limit) {
    throw new ValidationError("the result is too large for a reply", {
      code: ErrorCodes.payloadTooLarge,
      details: { size, limit },
    });
  }
  return { body: { status: "success", result: value }, json };
}

/**
 * The function's CallContext. The interfaces bound to the caller (DataStore, Messaging, Authorizer, the
 * call's logger, headers, signal) are built on first use: an echo function that reads none of them
 * costs none of them. They are own enumerable getters, so `{ ...ctx }` still copies every member.
 */
function invoke(
  host: HostContext,
  call: Call,
  dataStore: (() => DataStore) | undefined,
  signals: AttemptSignals,
): unknown {
  let store: DataStore | undefined;
  let messaging: Messaging | undefined | null = null;
  let authorizer: Authorizer | undefined | null = null;
  let logger: RuntimeLogger | undefined;
  let headers: Readonly<Headers> | undefined;
  const ctx: CallContext = {
    user: call.user,
    get dataStore() {
      if (store === undefined && dataStore) store = dataStore();
      return store;
    },
    get messaging() {
      if (messaging === null) messaging = boundedMessaging(host.messagingFor?.(call.user), call.limitAt);
      return messaging;
    },
    get authorizer() {
      if (authorizer === null) authorizer = host.authorizerFor?.(call.user);
      return authorizer;
    },
    config: host.config,
    get logger() {
      logger ??= host.logger.child({
        callId: call.envelope.callId,
        function: call.fn,
        ...traceFields(call.envelope.headers),
      });
      return logger;
    },
    get signal() {
      return signals.call;
    },
    callId: call.envelope.callId,
    get headers() {
      headers ??= Object.freeze({ ...call.envelope.headers });
      return headers;
    },
    function: call.fn,
    deadline: call.limitAt,
  };
  return call.handler(call.envelope.body.parameters, ctx);
}

import { createHash } from "node:crypto";
import {
  DEFAULT_CHUNK_SIZE,
  type Envelope,
  type Headers,
  newCallId,
  SfnError,
  serviceTopic,
} from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";
import { type ConformanceSettings, prefixed } from "../settings.js";
import { untilAborted } from "../sleep.js";
import { nestedTraceHeaders } from "../trace-context.js";
import { messagingOf } from "./require.js";

/** Default reply timeout of a nested call when `timeoutMs` is absent (the runtime caps it at our limit). */
const NESTED_TIMEOUT_MS = 30_000;

export interface CallOtherInput {
  function: string;
  parameters: Record<string, unknown>;
  timeoutMs?: number;
}

/** Binary transfers to one topic run one at a time, so a topic's before-send hook sees only ours. */
const transfersByTopic = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = transfersByTopic.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  transfersByTopic.set(key, settled);
  void settled.then(() => {
    if (transfersByTopic.get(key) === settled) transfersByTopic.delete(key);
  });
  return next;
}

/** notify, callOther, binaryEcho: the injected Messaging, bound to the caller. */
export function messagingFunctions(settings: ConformanceSettings) {
  return {
    notify: async (p: { topic: string; message: unknown; count?: number }, ctx: CallContext) => {
      const messaging = messagingOf(ctx);
      const topic = prefixed(settings, `conformance/notify/${p.topic}`);
      for (let i = 0; i < (p.count ?? 1); i++) await messaging.send(topic, p.message, { signal: ctx.signal });
      return null;
    },

    callOther: async (p: CallOtherInput, ctx: CallContext) => {
      const messaging = messagingOf(ctx);
      const topic = serviceTopic(
        "Conformance",
        settings.topicPrefix ? { prefix: settings.topicPrefix } : undefined,
      );
      const callId = newCallId();
      let outgoing: Headers | undefined;
      const removeHook = messaging.addHook("before-send", (event) => {
        if (event.envelope?.callId === callId) outgoing = { ...event.envelope.headers };
      });
      const timeoutMs = p.timeoutMs ?? NESTED_TIMEOUT_MS;
      const wanted = Date.now() + timeoutMs;
      try {
        const reply: Envelope = await messaging.sendAndWait(
          topic,
          { function: p.function, parameters: p.parameters },
          timeoutMs,
          { callId, headers: nestedTraceHeaders(ctx.headers), signal: ctx.signal },
        );
        return {
          outcome: "success",
          result: (reply.body as { result?: unknown }).result ?? null,
          ...outgoingHeaders(outgoing, ctx.headers),
        };
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        // The nested wait was cut short by our own limit (P-TIME-6): the chain ran out of time, so this
        // call ends in the runtime's SFN_TIMEOUT, which follows within moments, not in a result.
        if (isTimeout(error) && wanted > ctx.deadline) await untilAborted(ctx.signal);
        if (!SfnError.isInstance(error)) throw error;
        const info: { type: string; code: string; retryable?: boolean } = {
          type: error.type,
          code: error.code,
        };
        const retryable = error.toErrorInfo().retryable;
        if (retryable !== undefined) info.retryable = retryable;
        return { outcome: "error", error: info, ...outgoingHeaders(outgoing, ctx.headers) };
      } finally {
        removeHook();
      }
    },

    binaryEcho: async (p: { topic: string; data: string; chunkSize?: number }, ctx: CallContext) => {
      const messaging = messagingOf(ctx);
      const topic = prefixed(settings, `conformance/binary/${p.topic}`);
      const bytes = Buffer.from(p.data, "base64");
      const chunkSize = p.chunkSize ?? DEFAULT_CHUNK_SIZE;
      const transferId = await serialised(topic, async () => {
        let id: string | undefined;
        const removeHook = messaging.addHook("before-send", (event) => {
          const body = event.envelope?.body as { transferId?: unknown } | undefined;
          if (event.topic === topic && typeof body?.transferId === "string") id = body.transferId;
        });
        try {
          await messaging.sendBinary(topic, bytes, { chunkSize, signal: ctx.signal });
        } finally {
          removeHook();
        }
        return id ?? "";
      });
      return {
        transferId,
        totalLength: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        frames: Math.max(1, Math.ceil(bytes.byteLength / chunkSize)),
      };
    },
  };
}

/** The nested call's headers as published; `authorization` becomes whether it equals the incoming one. */
function outgoingHeaders(
  outgoing: Headers | undefined,
  incoming: Readonly<Headers>,
): { outgoingHeaders?: Record<string, unknown> } {
  if (!outgoing) return {};
  const { authorization, ...rest } = outgoing;
  return { outgoingHeaders: { ...rest, authorization: authorization === incoming.authorization } };
}

function isTimeout(error: unknown): boolean {
  return SfnError.isInstance(error) && error.type === "TimeoutError";
}

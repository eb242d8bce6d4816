import { randomUUID } from "node:crypto";
import { substitute } from "../match/variables.js";
import type { CallStep, JsonObject } from "../model.js";
import { craftAuthorization } from "../tokens/craft.js";
import { type CaseState, callIdOf, type StepRecord } from "./case-state.js";
import { randomId } from "./lane-mqtt.js";

/** How long the runner waits for a reply when the step names no timeoutMs. */
export const DEFAULT_REPLY_TIMEOUT_MS = 10_000;

async function authorizationFor(step: CallStep, state: CaseState): Promise<string | null> {
  if (step.token === undefined) {
    const token = step.as ? state.lane.tokens.get(step.as) : undefined;
    if (!token) throw new Error(`call step: no token for ${step.as ?? "(no user)"}`);
    return `Bearer ${token}`;
  }
  const vector = state.lane.vectors.get(step.token);
  if (!vector) throw new Error(`call step: unknown crafted token ${step.token}`);
  return craftAuthorization(vector, step.as, state.lane.issuer);
}

/**
 * A `call` step: publishes `repeat` calls (each with a fresh callId unless `callId` is given) to
 * `{p}service/Conformance` at QoS 1 with a fresh messageId, the case's session reply topic, the
 * authorization of `as` / `token` and a deadline (P-CALL-2); waits for the replies unless `await` is
 * false; re-sends unanswered calls with the same callId after `timeoutMs`, `retries` times (P-CALL-5).
 */
export async function runCallStep(step: CallStep, state: CaseState): Promise<StepRecord> {
  const parameters = substitute(step.parameters, state.resolve) as JsonObject;
  const headers = substitute((step.headers ?? {}) as JsonObject, state.resolve) as Record<string, string>;
  const fixed = step.callId === undefined ? undefined : String(substitute(step.callId, state.resolve));
  const count = step.repeat ?? 1;
  const callIds = Array.from({ length: count }, () => fixed ?? randomId());
  const authorization = await authorizationFor(step, state);
  const timeoutMs = step.timeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
  const topic = `${state.lane.prefix}/service/Conformance`;

  const deadlineNow = () => String(Date.now() + (step.deadlineOffsetMs ?? timeoutMs));
  const firstDeadline = deadlineNow();
  const publish = (callId: string, deadline: string) => {
    const envelope = {
      protocolVersion: "1.0",
      messageId: randomUUID(),
      callId,
      replyTo: state.replyTopic,
      headers: {
        ...(authorization === null ? {} : { authorization }),
        ...headers,
        deadline,
      },
      body: { function: step.function, parameters },
    };
    const expiry = Math.max(1, Math.ceil((Number(deadline) - Date.now()) / 1000));
    return state.lane.mqtt.publish(topic, Buffer.from(JSON.stringify(envelope)), {
      messageExpiryInterval: expiry,
    });
  };

  let resolveSettled: () => void = () => {};
  const record: StepRecord = {
    kind: "call",
    callIds,
    fixedCallId: fixed !== undefined,
    replyTopics: [state.replyTopic],
    deadline: firstDeadline,
    publishedAt: Date.now(),
    afterSeq: state.lane.mqtt.seq,
    settled: new Promise<void>((r) => {
      resolveSettled = r;
    }),
  };
  if (step.ref) state.steps.set(step.ref, record);

  await Promise.all(callIds.map((id) => publish(id, firstDeadline)));

  const missing = (): string[] => {
    const got = new Map<string, number>();
    for (const frame of state.repliesOf(record)) {
      const id = callIdOf(frame) ?? "";
      got.set(id, (got.get(id) ?? 0) + 1);
    }
    if (fixed !== undefined) return (got.get(fixed) ?? 0) >= count ? [] : [fixed];
    return callIds.filter((id) => !got.has(id));
  };
  const settle = async () => {
    for (let attempt = 0; ; attempt += 1) {
      await state.lane.mqtt.until(() => missing().length === 0, timeoutMs);
      const unanswered = missing();
      if (unanswered.length === 0 || attempt >= (step.retries ?? 0)) break;
      const deadline = deadlineNow();
      const resend = [...new Set(unanswered)];
      state.notes.push(
        `${step.ref ?? step.function}: re-sent ${resend.length} unanswered call(s) after ${timeoutMs} ms (retry ${attempt + 1})`,
      );
      await Promise.all(resend.map((id) => publish(id, deadline)));
    }
    resolveSettled();
  };
  const done = settle();
  if (step.await !== false) await done;
  return record;
}

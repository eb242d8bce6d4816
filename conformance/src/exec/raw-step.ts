import { randomUUID } from "node:crypto";
import { interpolate, substitute } from "../match/variables.js";
import type { Json, PublishRawStep } from "../model.js";
import type { CaseState, StepRecord } from "./case-state.js";
import { randomId } from "./lane-mqtt.js";

/** The payload of a publishRaw step: exactly these bytes, after substitution of utf8/json and padding. */
export function rawPayload(step: PublishRawStep, state: CaseState): Buffer {
  let payload: Buffer;
  if (step.base64 !== undefined) payload = Buffer.from(step.base64, "base64");
  else if (step.utf8 !== undefined) payload = Buffer.from(interpolate(step.utf8, state.resolve), "utf8");
  else payload = Buffer.from(JSON.stringify(substitute(step.json as Json, state.resolve)), "utf8");
  if (step.padToBytes !== undefined) {
    const size = step.padToBytes === "maxPayloadBytes+1" ? state.lane.maxPayloadBytes + 1 : step.padToBytes;
    if (payload.length < size) payload = Buffer.concat([payload, Buffer.alloc(size - payload.length, 0x20)]);
  }
  return payload;
}

/**
 * A `publishRaw` step: `${callId}`, `${messageId}` and `${rawReplyTopic}` are fresh for it; the bytes go
 * to `{p}<topic>` at QoS 1 with the given MQTT 5 properties. Its replies are the messages on
 * `${rawReplyTopic}` or on the Response Topic it gave.
 */
export async function runRawStep(step: PublishRawStep, state: CaseState): Promise<StepRecord> {
  state.scope = {
    callId: randomId(),
    messageId: randomUUID(),
    rawReplyTopic: `${state.lane.prefix}/reply/${randomId()}`,
  };
  try {
    const payload = rawPayload(step, state);
    const topic = `${state.lane.prefix}/${interpolate(step.topic, state.resolve)}`;
    const props = step.properties
      ? (substitute(step.properties as Json, state.resolve) as Record<string, Json>)
      : undefined;
    const replyTopics = [state.scope.rawReplyTopic as string];
    let properties: Record<string, unknown> | undefined;
    if (props) {
      properties = { ...props };
      if (typeof props.correlationData === "string")
        properties.correlationData = Buffer.from(props.correlationData, "utf8");
      if (typeof props.responseTopic === "string") replyTopics.push(props.responseTopic);
    }
    const record: StepRecord = {
      kind: "raw",
      callIds: [state.scope.callId as string],
      fixedCallId: true,
      replyTopics,
      deadline: undefined,
      publishedAt: Date.now(),
      afterSeq: state.lane.mqtt.seq,
      settled: Promise.resolve(),
    };
    if (step.ref) state.steps.set(step.ref, record);
    await state.lane.mqtt.publish(topic, payload, properties);
    return record;
  } finally {
    state.scope = {};
  }
}

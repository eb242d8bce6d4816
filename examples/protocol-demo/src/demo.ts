import {
  asReplyBody,
  createCallEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  errorFromInfo,
  newSessionId,
  replyTopic,
  type SfnError,
  serviceTopic,
} from "@sfn/contracts";
import mqtt from "mqtt";
import { startEmbeddedBroker } from "./embedded-broker.js";
import { GreeterService } from "./greeter-service.js";

export interface DemoStep {
  title: string;
  outcome:
    | { status: "success"; result: unknown }
    | { status: "error"; type: string; code: string; message: string };
}

export interface DemoResult {
  brokerUrl: string;
  wireExample: string;
  steps: DemoStep[];
  rejectedPayloads: string[];
}

/** Runs a few calls through the protocol on an embedded broker and reports what came back. */
export async function runDemo(): Promise<DemoResult> {
  const broker = await startEmbeddedBroker();
  const service = new GreeterService();
  await service.start(broker.url);
  const caller = mqtt.connect(broker.url, { protocolVersion: 4, clean: true });
  await new Promise<void>((resolve) => caller.once("connect", () => resolve()));
  // One reply topic per client session, subscribed once.
  const replies = replyTopic(newSessionId());
  const pending = new Map<string, (payload: Buffer) => void>();
  caller.on("message", (_topic, payload) => {
    const callId = decodeEnvelope(payload).callId;
    if (callId !== undefined) pending.get(callId)?.(payload);
  });
  await caller.subscribeAsync(replies, { qos: 1 });

  let wireExample = "";
  const call = async (fn: string, parameters: Record<string, unknown>): Promise<DemoStep["outcome"]> => {
    const envelope = createCallEnvelope({
      function: fn,
      parameters,
      replyTo: replies,
      timeoutMs: 5000,
      headers: { authorization: "Bearer demo-token" },
    });
    const payload = encodeEnvelope(envelope);
    wireExample ||= payload.toString("utf8");
    const reply = new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${fn} within 5 s`)), 5000);
      pending.set(envelope.callId, (bytes) => {
        clearTimeout(timer);
        pending.delete(envelope.callId);
        resolve(bytes);
      });
    });
    await caller.publishAsync(serviceTopic("Greeter"), payload, { qos: 1 });
    const body = asReplyBody(decodeEnvelope(await reply));
    if (body.status === "success") return { status: "success", result: body.result };
    const error: SfnError = errorFromInfo(body.error!);
    return { status: "error", type: error.type, code: error.code, message: error.message };
  };

  const steps: DemoStep[] = [];
  try {
    steps.push({ title: "greet {name: 'Ada'}", outcome: await call("greet", { name: "Ada" }) });
    steps.push({ title: "greet {} (invalid parameters)", outcome: await call("greet", {}) });
    steps.push({ title: "wave {} (unknown function)", outcome: await call("wave", {}) });
    await caller.publishAsync(serviceTopic("Greeter"), Buffer.from("{not json"), { qos: 1 });
    await caller.publishAsync(serviceTopic("Greeter"), Buffer.from([0xc3, 0x28]), { qos: 1 });
    steps.push({
      title: "greet {name: 'Grace'} after garbage",
      outcome: await call("greet", { name: "Grace" }),
    });
  } finally {
    await caller.endAsync();
    await service.stop();
    await broker.close();
  }
  return { brokerUrl: broker.url, wireExample, steps, rejectedPayloads: service.rejected.map((e) => e.code) };
}

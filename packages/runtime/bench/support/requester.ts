// A raw mqtt.js requester: publishes request payloads and resolves each on the reply with its id.
import { enableNoDelay } from "@sfn/testkit";
import mqtt, { type MqttClient } from "mqtt";

export interface Requester {
  request(topic: string, payload: string, id: string, qos: 0 | 1): Promise<void>;
  errorReplies: number;
  close(): Promise<void>;
}

export async function createRequester(url: string, replyTopic: string): Promise<Requester> {
  const client: MqttClient = enableNoDelay(await mqtt.connectAsync(url, { protocolVersion: 5, clean: true }));
  const waiting = new Map<string, () => void>();
  const requester: Requester = {
    errorReplies: 0,
    request(topic, payload, id, qos) {
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        client.publish(topic, payload, {
          qos,
          properties: { responseTopic: replyTopic, correlationData: Buffer.from(id) },
        });
      });
    },
    close: () => client.endAsync(),
  };
  client.on("message", (_t, payload, packet) => {
    if (payload.includes('"status":"error"')) {
      requester.errorReplies++;
      if (requester.errorReplies === 1) console.log(`first error reply: ${payload.toString().slice(0, 300)}`);
    }
    const id =
      packet.properties?.correlationData?.toString() ??
      (JSON.parse(payload.toString()) as { callId: string }).callId;
    waiting.get(id)?.();
    waiting.delete(id);
  });
  await client.subscribeAsync(replyTopic, { qos: 1 });
  return requester;
}

/** The raw mqtt.js responder of the messaging benchmark: echoes the payload to the response topic. */
export async function startRawResponder(url: string, topic: string, qos: 0 | 1): Promise<MqttClient> {
  const responder = enableNoDelay(await mqtt.connectAsync(url, { protocolVersion: 5, clean: true }));
  responder.on("message", (_t, payload, packet) => {
    const p = packet.properties;
    if (p?.responseTopic)
      responder.publish(p.responseTopic, payload, {
        qos,
        properties: { correlationData: p.correlationData },
      });
  });
  await responder.subscribeAsync(topic, { qos });
  return responder;
}

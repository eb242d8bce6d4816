import { randomBytes, randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { connectAsync } from "mqtt";

/**
 * The baseline: request/reply written directly on mqtt.js — the same envelope-shaped JSON on the wire,
 * callId matching through a Map, TCP_NODELAY set, and nothing else (no validation, hooks or typed errors).
 */
export async function rawRequester(url: string, topic: string, token: string) {
  const client = await connectAsync(url, { protocolVersion: 5, clean: true });
  (client.stream as Socket).setNoDelay?.(true);
  const replyTo = `bench-reply/${randomBytes(8).toString("hex")}`;
  const pending = new Map<string, () => void>();
  client.on("message", (_topic, payload) => {
    const reply = JSON.parse(payload.toString("utf8")) as { callId: string };
    const resolve = pending.get(reply.callId);
    pending.delete(reply.callId);
    resolve?.();
  });
  await client.subscribeAsync(replyTo, { qos: 1 });
  return {
    call(qos: 0 | 1, parameters: unknown): Promise<void> {
      return new Promise<void>((resolve) => {
        const callId = randomBytes(16).toString("base64url");
        pending.set(callId, resolve);
        const envelope = {
          protocolVersion: "1.0",
          messageId: randomUUID(),
          callId,
          replyTo,
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: { function: "echo", parameters },
        };
        client.publish(topic, JSON.stringify(envelope), { qos });
      });
    },
    close: () => client.endAsync(true),
  };
}

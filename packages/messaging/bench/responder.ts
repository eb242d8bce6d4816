// The minimal responder of the benchmark, in its own process: answers every call envelope on TOPIC with a
// success reply envelope at the request's QoS. Plain mqtt.js and JSON, the same for every requester.
import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import { connect } from "mqtt";

const client = connect(process.env.SFN_MQTT_URL!, { protocolVersion: 5, clean: true });
client.on("connect", () => (client.stream as Socket).setNoDelay?.(true));
client.on("message", (_topic, payload, packet) => {
  const call = JSON.parse(payload.toString("utf8")) as {
    callId: string;
    replyTo: string;
    body: { parameters: unknown };
  };
  const reply = {
    protocolVersion: "1.0",
    messageId: randomUUID(),
    callId: call.callId,
    headers: { "content-type": "application/json" },
    body: { status: "success", result: call.body.parameters },
  };
  client.publish(call.replyTo, JSON.stringify(reply), { qos: packet.qos === 0 ? 0 : 1 });
});
await client.subscribeAsync(process.env.TOPIC!, { qos: 1 });
process.stdout.write("ready\n");

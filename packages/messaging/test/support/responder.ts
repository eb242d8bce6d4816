import {
  createErrorReply,
  createSuccessReply,
  decodeEnvelope,
  type Envelope,
  encodeEnvelope,
} from "@sfn/contracts";
import type { MqttClient } from "mqtt";
import { openRawClient } from "./broker.js";

export interface Responder {
  client: MqttClient;
  /** Every call envelope the responder received, in order. */
  received: Envelope[];
}

/**
 * A minimal service on a plain mqtt.js connection, independent of the library under test:
 * `double` answers {value: 2x}, `fail` answers a NotFound error reply, `silent` never answers,
 * `slow` answers after parameters.ms.
 */
export async function startResponder(topic: string): Promise<Responder> {
  const client = await openRawClient();
  const received: Envelope[] = [];
  client.on("message", (_topic, payload) => {
    const call = decodeEnvelope(payload);
    received.push(call);
    const body = call.body as { function: string; parameters: Record<string, number> };
    const answer = (reply: Envelope) => client.publish(call.replyTo!, encodeEnvelope(reply), { qos: 1 });
    switch (body.function) {
      case "double":
        answer(createSuccessReply(call.callId!, { value: (body.parameters.x ?? 0) * 2 }));
        break;
      case "fail":
        answer(
          createErrorReply(call.callId!, {
            type: "NotFound",
            code: "THING_NOT_FOUND",
            message: "no such thing",
            details: { id: body.parameters.id },
          }),
        );
        break;
      case "slow":
        setTimeout(() => answer(createSuccessReply(call.callId!, "slow")), body.parameters.ms ?? 0);
        break;
      default:
        break;
    }
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, received };
}

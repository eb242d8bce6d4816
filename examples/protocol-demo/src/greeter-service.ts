import {
  asCallEnvelope,
  createErrorReply,
  createSuccessReply,
  decodeEnvelope,
  EnvelopeDecodeError,
  ErrorCodes,
  encodeEnvelope,
  NotFoundError,
  type SfnError,
  serviceTopic,
  toErrorInfo,
  ValidationError,
} from "@sfn/contracts";
import mqtt, { type MqttClient } from "mqtt";

/**
 * A hand-rolled responder that follows docs/protocol.md with nothing but @sfn/contracts and mqtt.js:
 * decode, check the call, route by body.function, reply to replyTo with the same callId.
 * (The function host, @sfn/runtime, does this plus authentication, de-duplication and acks after processing.)
 */
export class GreeterService {
  readonly rejected: SfnError[] = [];
  #client: MqttClient | undefined;

  async start(brokerUrl: string): Promise<void> {
    const client = mqtt.connect(brokerUrl, { protocolVersion: 4, clientId: "greeter-1", clean: true });
    client.on("message", (_topic, payload) => void this.#handle(client, payload));
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    await client.subscribeAsync(serviceTopic("Greeter"), { qos: 1 });
    this.#client = client;
  }

  async stop(): Promise<void> {
    await this.#client?.endAsync();
  }

  async #handle(client: MqttClient, payload: Buffer): Promise<void> {
    let envelope: ReturnType<typeof decodeEnvelope>;
    try {
      envelope = decodeEnvelope(payload);
    } catch (error) {
      // No replyTo can be trusted in undecodable bytes: record and move on, keep serving.
      if (error instanceof EnvelopeDecodeError) this.rejected.push(error);
      return;
    }
    if (envelope.replyTo === undefined || envelope.callId === undefined) return;
    let reply: Buffer;
    try {
      const call = asCallEnvelope(envelope);
      const result = this.#route(call.body.function, call.body.parameters);
      reply = encodeEnvelope(createSuccessReply(call.callId, result));
    } catch (error) {
      reply = encodeEnvelope(createErrorReply(envelope.callId, toErrorInfo(error)));
    }
    await client.publishAsync(envelope.replyTo, reply, { qos: 1 });
  }

  #route(name: string, parameters: Record<string, unknown>): unknown {
    if (name !== "greet") {
      throw new NotFoundError(`Greeter has no function '${name}'`, { code: ErrorCodes.functionNotFound });
    }
    if (typeof parameters.name !== "string" || parameters.name.length === 0) {
      throw new ValidationError("parameters do not match the input schema", {
        code: ErrorCodes.parametersInvalid,
        details: {
          violations: [{ path: "/name", keyword: "required", message: "must be a non-empty string" }],
        },
      });
    }
    return { greeting: `Hello, ${parameters.name}!` };
  }
}

import {
  assertPublishTopic,
  type Envelope,
  ErrorCodes,
  type Headers,
  messageExpiryFor,
  mqttPropertiesFor,
  type QoS,
  raceAbort,
  type SystemError,
  ValidationError,
  wireValidator,
} from "@sfn/contracts";
import type { IClientPublishOptions } from "mqtt";
import { publishFailed } from "../connection/broker-operations.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { ClientContext } from "./client-context.js";

/** Rejects headers that receivers would refuse (names lower-case `[a-z0-9._-]`, values strings). */
export function assertHeaders(headers: Headers | undefined): void {
  if (headers === undefined) return;
  const result = wireValidator().validate("Headers", headers);
  if (!result.valid) {
    throw new ValidationError("headers are not valid envelope headers", {
      code: ErrorCodes.envelopeInvalid,
      details: { violations: result.violations },
    });
  }
}

export function assertQos(qos: QoS): void {
  if (qos !== 0 && qos !== 1 && qos !== 2) {
    throw new ValidationError(`qos must be 0, 1 or 2, got ${String(qos)}`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
}

/**
 * The wire form of an envelope (encodeEnvelope's UTF-8 JSON), kept as a string: mqtt.js writes a string
 * payload straight into the socket, so no intermediate Buffer is allocated and copied per message.
 */
function encode(context: ClientContext, topic: string, envelope: Envelope): string {
  let text: string;
  try {
    text = JSON.stringify(envelope);
  } catch (error) {
    throw new ValidationError(`the message cannot be serialised as JSON: ${(error as Error).message}`, {
      code: MessagingErrorCodes.invalidArgument,
      cause: error,
    });
  }
  const size = Buffer.byteLength(text, "utf8");
  const maxBytes = context.options.maxPayloadBytes;
  if (size > maxBytes) {
    throw new ValidationError(`message of ${size} bytes exceeds the limit of ${maxBytes}`, {
      code: ErrorCodes.payloadTooLarge,
      details: { size, limit: maxBytes },
    });
  }
  const limit = context.main.maximumPacketSize;
  if (limit !== undefined && size + Buffer.byteLength(topic) + 16 > limit) {
    throw new ValidationError(`message of ${size} bytes exceeds the broker's packet limit ${limit}`, {
      code: ErrorCodes.payloadTooLarge,
      details: { size, limit },
    });
  }
  return text;
}

function publishOptions(context: ClientContext, envelope: Envelope, qos: QoS): IClientPublishOptions {
  const options: IClientPublishOptions = { qos };
  if (context.main.protocolVersion === 5) {
    if (context.options.mirrorProperties) {
      options.properties = mqttPropertiesFor(envelope);
    } else {
      // Without mirroring, the expiry alone still lets the broker drop calls nobody waits for (P-PROP-2).
      const messageExpiryInterval = messageExpiryFor(envelope);
      if (messageExpiryInterval !== undefined) options.properties = { messageExpiryInterval };
    }
  }
  return options;
}

/**
 * Adds the trace context and runs the before-send hooks (which may still add headers). Returns a promise
 * only when a hook is asynchronous; with no hooks registered it builds no hook event at all.
 */
export function beforeSend(
  context: ClientContext,
  topic: string,
  envelope: Envelope,
): Promise<void> | undefined {
  context.trace.inject(envelope.headers);
  if (!context.hooks.has("before-send")) return undefined;
  return context.hooks.run({ type: "before-send", topic, envelope });
}

/**
 * Encodes an envelope (with the size limits) and publishes it from the main connection, MQTT 5 property
 * mirroring when enabled. Throws ValidationError synchronously when it cannot be sent; otherwise `done`
 * runs once the broker acknowledged (QoS ≥ 1) or the bytes were written (QoS 0), with the
 * SFN_BROKER_REJECTED error if mqtt.js failed the publish. The publish counts as client activity until
 * then, so close() drains it. Call beforeSend() first.
 */
export function writeEnvelope(
  context: ClientContext,
  topic: string,
  envelope: Envelope,
  qos: QoS,
  done: (error?: SystemError) => void,
): void {
  const payload = encode(context, topic, envelope);
  const options = publishOptions(context, envelope, qos);
  const activity = context.activity;
  activity.begin();
  context.main.mqtt.publish(topic, payload, options, (error) => {
    activity.end();
    done(error ? publishFailed(topic, error) : undefined);
  });
}

/**
 * Puts an envelope on the wire from the main connection: beforeSend() then writeEnvelope(). Resolves
 * when the broker acknowledged (QoS ≥ 1). The publish itself cannot be recalled once written; an abort
 * only stops the caller waiting.
 */
export async function sendEnvelope(
  context: ClientContext,
  topic: string,
  envelope: Envelope,
  qos: QoS,
  signal?: AbortSignal,
): Promise<void> {
  const hooks = beforeSend(context, topic, envelope);
  if (hooks !== undefined) await hooks;
  const published = new Promise<void>((resolve, reject) =>
    writeEnvelope(context, topic, envelope, qos, (error) =>
      error === undefined ? resolve() : reject(error),
    ),
  );
  return raceAbort(published, signal);
}

let lastValidTopic: string | undefined;

/** Checks a publish topic; wraps assertPublishTopic so every sfn topic error has one code. */
export function checkPublishTopic(topic: string): void {
  // Callers publish to the same topic over and over: the last topic that passed needs no second look.
  if (topic === lastValidTopic) return;
  assertPublishTopic(topic);
  lastValidTopic = topic;
}

import {
  assertPublishTopic,
  type Envelope,
  ErrorCodes,
  encodeEnvelope,
  type Headers,
  messageExpiryFor,
  mqttPropertiesFor,
  onAbort,
  type QoS,
  ValidationError,
  wireValidator,
} from "@sfn/contracts";
import type { IClientPublishOptions } from "mqtt";
import { publish } from "../connection/broker-operations.js";
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

function encode(envelope: Envelope, maxBytes: number): Buffer {
  let bytes: Buffer;
  try {
    bytes = encodeEnvelope(envelope);
  } catch (error) {
    throw new ValidationError(`the message cannot be serialised as JSON: ${(error as Error).message}`, {
      code: MessagingErrorCodes.invalidArgument,
      cause: error,
    });
  }
  if (bytes.length > maxBytes) {
    throw new ValidationError(`message of ${bytes.length} bytes exceeds the limit of ${maxBytes}`, {
      code: ErrorCodes.payloadTooLarge,
      details: { size: bytes.length, limit: maxBytes },
    });
  }
  return bytes;
}

/**
 * Puts an envelope on the wire from the main connection: trace context, before-send hooks (which may
 * still add headers), encoding with the size limit, MQTT 5 property mirroring when enabled. Resolves
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
  context.trace.inject(envelope.headers);
  const hooks = context.hooks.run({ type: "before-send", topic, envelope });
  if (hooks !== undefined) await hooks;
  const bytes = encode(envelope, context.options.maxPayloadBytes);
  const limit = context.main.maximumPacketSize;
  if (limit !== undefined && bytes.length + Buffer.byteLength(topic) + 16 > limit) {
    throw new ValidationError(`message of ${bytes.length} bytes exceeds the broker's packet limit ${limit}`, {
      code: ErrorCodes.payloadTooLarge,
      details: { size: bytes.length, limit },
    });
  }
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
  const published = context.activity.track(publish(context.main, topic, bytes, options));
  if (signal === undefined) return published;
  return new Promise<void>((resolve, reject) => {
    const detach = onAbort(signal, reject);
    published.then(
      () => {
        detach();
        resolve();
      },
      (error: unknown) => {
        detach();
        reject(error);
      },
    );
  });
}

/** Checks a publish topic; wraps assertPublishTopic so every sfn topic error has one code. */
export function checkPublishTopic(topic: string): void {
  assertPublishTopic(topic);
}

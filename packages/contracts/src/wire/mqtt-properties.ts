import type { Envelope } from "../generated/wire-types.generated.js";
import { ENVELOPE_CONTENT_TYPE } from "./constants.js";

/** MQTT 5 PUBLISH properties, named as mqtt.js names them. */
export interface MqttPublishProperties {
  responseTopic?: string;
  correlationData?: Buffer;
  contentType?: string;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  userProperties?: Record<string, string>;
}

/**
 * The MQTT 5 properties that mirror an envelope, so plain MQTT tools see the reply topic, correlation
 * and headers (docs/protocol.md §5). Informational only: the envelope stays normative. The authorization
 * header is never mirrored (it would double the token on the wire, and brokers log properties).
 */
export function mqttPropertiesFor(envelope: Envelope, now: number = Date.now()): MqttPublishProperties {
  const properties: MqttPublishProperties = {
    contentType: ENVELOPE_CONTENT_TYPE,
    payloadFormatIndicator: true,
  };
  if (envelope.replyTo !== undefined) properties.responseTopic = envelope.replyTo;
  if (envelope.callId !== undefined) properties.correlationData = Buffer.from(envelope.callId, "utf8");
  const userProperties: Record<string, string> = {};
  let any = false;
  for (const [name, value] of Object.entries(envelope.headers)) {
    if (value === undefined || name === "authorization") continue;
    userProperties[name] = value;
    any = true;
  }
  if (any) properties.userProperties = userProperties;
  const expiry = messageExpiryFor(envelope, now);
  if (expiry !== undefined) properties.messageExpiryInterval = expiry;
  return properties;
}

/**
 * The MQTT 5 Message Expiry Interval (seconds, at least 1) of an envelope with a `deadline` header, which a
 * sender sets even when it does not mirror the other properties (docs/protocol.md P-PROP-2).
 */
export function messageExpiryFor(envelope: Envelope, now: number = Date.now()): number | undefined {
  const deadline = envelope.headers.deadline;
  return deadline === undefined ? undefined : Math.max(1, Math.ceil((Number(deadline) - now) / 1000));
}

import type { IPublishPacket } from "mqtt";
import type { Json, JsonObject } from "../model.js";

/** One PUBLISH the runner observed on the lane's topics. */
export interface Frame {
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** MQTT 5 properties as the README names them (mqtt.js names; correlationData as UTF-8). */
  properties: JsonObject;
  payload: Buffer;
  /** The payload as JSON, when it is UTF-8 JSON. */
  json: Json | undefined;
  receivedAt: number;
  /** Arrival order on the lane (monotonic; timestamps can tie). */
  seq: number;
}

export function frameFromPacket(packet: IPublishPacket, seq = 0, receivedAt = Date.now()): Frame {
  const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
  return {
    topic: packet.topic,
    qos: packet.qos,
    retain: packet.retain,
    properties: normaliseProperties(packet.properties),
    payload,
    json: parseJson(payload),
    receivedAt,
    seq,
  };
}

export function parseJson(payload: Buffer): Json | undefined {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload)) as Json;
  } catch {
    return undefined;
  }
}

/** mqtt.js PUBLISH properties → plain JSON (Buffers as UTF-8 strings, multi-valued user properties as arrays). */
export function normaliseProperties(properties: IPublishPacket["properties"]): JsonObject {
  const out: JsonObject = {};
  if (!properties) return out;
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (Buffer.isBuffer(value)) out[key] = value.toString("utf8");
    else if (key === "userProperties" && value !== null && typeof value === "object") {
      const user: JsonObject = {};
      for (const [name, v] of Object.entries(value as Record<string, string | string[]>)) user[name] = v;
      out[key] = user;
    } else out[key] = value as Json;
  }
  return out;
}

/** MQTT topic-filter matching (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i += 1) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

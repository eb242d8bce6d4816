import type { Socket } from "node:net";
import type { IClientOptions, MqttClient } from "mqtt";
import { currentFixtureEnv } from "./tokens.js";

/**
 * Turns off Nagle's algorithm on the client's socket, now and after every reconnect. The broker's
 * `set_tcp_nodelay true` is not enough on its own: a client that sends a PUBACK and then its next
 * PUBLISH back to back has the PUBLISH held by Nagle until the broker's delayed ACK (~40 ms).
 * Measured on the fixture: 44 ms median QoS 1 request/response without it, ~0.5 ms with it.
 */
export function enableNoDelay(client: MqttClient): MqttClient {
  const apply = () => {
    const stream = client.stream as unknown as Partial<Socket> | undefined;
    stream?.setNoDelay?.(true);
  };
  apply();
  client.on("connect", apply);
  return client;
}

/**
 * Connects an MQTT 5 client to `SFN_MQTT_URL` (or `options.url`) with TCP nodelay and no automatic
 * reconnect, resolving once CONNACK arrived. Attach `message` handlers before awaiting if a
 * persistent session may deliver queued messages right after CONNACK.
 */
export async function connectMqtt(options: IClientOptions & { url?: string } = {}): Promise<MqttClient> {
  const { url = currentFixtureEnv().SFN_MQTT_URL, ...rest } = options;
  const { connect } = await import("mqtt");
  const client = enableNoDelay(connect(url, { protocolVersion: 5, reconnectPeriod: 0, ...rest }));
  await new Promise<void>((resolveConnect, reject) => {
    const onError = (err: Error) => {
      client.removeListener("connect", onConnect);
      client.end(true);
      reject(err);
    };
    const onConnect = () => {
      client.removeListener("error", onError);
      resolveConnect();
    };
    client.once("connect", onConnect);
    client.once("error", onError);
  });
  return client;
}

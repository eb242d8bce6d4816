import type { ConnectionOptions } from "node:tls";
import { connect, type IClientOptions, MqttClient } from "mqtt";
import { parseBrokerUrl } from "./broker-address.js";
import { noDelayStreamBuilder } from "./stream-builder.js";

/**
 * An mqtt.js client for a broker URL (mqtt, mqtts, tcp, ssl, tls, ws, wss), not yet connected unless
 * mqtt.js connects it itself (it does, in its constructor). TCP and TLS sockets get TCP_NODELAY (see
 * stream-builder.ts). Going around `mqtt.connect()` for them also keeps mqtt.js from loading its
 * WebSocket and SOCKS modules (~6 MB of a process's memory) in a service that never uses them.
 * Credentials in the URL are used unless `options` names its own.
 */
export function createMqttClient(
  url: string,
  options: IClientOptions,
  tlsOptions?: ConnectionOptions,
): MqttClient {
  const address = parseBrokerUrl(url);
  const withCredentials: IClientOptions = {
    ...options,
    ...(options.username === undefined && address.username !== undefined
      ? { username: address.username }
      : {}),
    ...(options.password === undefined && address.password !== undefined
      ? { password: address.password }
      : {}),
  };
  if (address.transport === "websocket")
    return connect(address.url, { ...withCredentials, ...(tlsOptions as IClientOptions | undefined) });
  return new MqttClient(noDelayStreamBuilder(address, tlsOptions), withCredentials);
}

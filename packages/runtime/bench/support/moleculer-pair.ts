// The peer a Node user would pick instead: Moleculer 0.14 with its MQTT transporter, on the same broker.
// Two ServiceBrokers (a caller node and an echo node) in this process, like the other rows.
import type { Socket } from "node:net";
import { ServiceBroker } from "moleculer";

export interface MoleculerPair {
  call(params: { text: string }): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoleculerPair(
  mqttUrl: string,
  qos: 0 | 1,
  namespace: string,
): Promise<MoleculerPair> {
  const { hostname, port } = new URL(mqttUrl);
  const options = (nodeID: string) => ({
    namespace,
    nodeID,
    logger: false,
    metrics: false,
    tracing: false,
    transporter: { type: "MQTT", options: { host: hostname, port: Number(port), qos } },
  });
  const server = new ServiceBroker(options(`${namespace}-echo`));
  server.createService({ name: "echo", actions: { echo: (ctx) => ctx.params } });
  const client = new ServiceBroker(options(`${namespace}-caller`));
  await server.start();
  await client.start();
  // Same no-delay setting as the other rows' clients (mqtt.js never sets it).
  for (const broker of [server, client]) {
    const transit = (broker as unknown as { transit: { tx: { _client?: { stream?: Partial<Socket> } } } })
      .transit;
    transit.tx._client?.stream?.setNoDelay?.(true);
  }
  await client.waitForServices("echo");
  return {
    call: async (params) => {
      await client.call("echo.echo", params);
    },
    stop: async () => {
      await client.stop();
      await server.stop();
    },
  };
}

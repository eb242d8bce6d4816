import { createServer, type Server, type Socket } from "node:net";
import { Aedes } from "aedes";

export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:<port>`; speaks MQTT 3.1.1 only. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * aedes in this process: the broker of `sfn dev`, no system packages. aedes speaks MQTT 3.1.1 only and
 * ignores `$share/` subscriptions, so the dev host runs one replica on the plain topic (protocol.md
 * P-TRN-3); the envelope carries replyTo and callId, so request/reply needs no MQTT 5 properties.
 */
export async function startEmbeddedBroker(
  options: { port?: number; host?: string } = {},
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  // aedes leaves Nagle on: every QoS 1 round trip would wait ~40 ms for a delayed ACK (P-TRN-4).
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the broker did not bind a TCP port");
  return {
    url: `mqtt://${options.host ?? "127.0.0.1"}:${address.port}`,
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

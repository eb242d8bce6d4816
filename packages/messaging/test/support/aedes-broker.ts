import net from "node:net";
import { Aedes } from "aedes";

/** An in-process aedes 1.x broker: MQTT 3.1.1 only, and `$share/` subscriptions never deliver. */
export interface AedesBroker {
  url: string;
  close(): Promise<void>;
}

export async function startAedes(): Promise<AedesBroker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true); // aedes does not; Nagle would add ~40 ms per QoS 1 round trip
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      server.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

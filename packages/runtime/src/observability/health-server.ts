import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceHost } from "../host/service-host.js";

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (alive while not stopped), `/readyz` (subscribed and taking calls) and `/metrics`
 * (Prometheus text) for one host.
 */
export async function startHealthServer(
  host: ServiceHost,
  port: number,
  hostname = "0.0.0.0",
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      const alive = host.state !== "stopped";
      res.writeHead(alive ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: alive ? "ok" : "stopped", state: host.state }));
    } else if (path === "/readyz") {
      res.writeHead(host.ready ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ ready: host.ready, state: host.state, database: host.databaseCircuit }));
    } else if (path === "/metrics") {
      host.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": host.metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Sidecar } from "./sidecar.js";

/** `/metrics` (Prometheus text) and `/healthz` of the sidecar. */
export async function startMetricsServer(
  sidecar: Sidecar,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      sidecar.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": sidecar.metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    } else if (path === "/healthz") {
      const ok = sidecar.state !== "stopped";
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ state: sidecar.state, app: sidecar.app ?? null }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

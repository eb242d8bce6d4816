import { createServer, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The paths the runtime serves (`/healthz`, `/readyz`, `/metrics`); everything else is 404. */
const FORWARDED = new Set(["/healthz", "/readyz", "/metrics"]);

export interface FunctionFront {
  readonly port: number;
  close(): Promise<void>;
}

export interface FunctionFrontOptions {
  /** The pod's fixed function port (the sidecar's /readyz check, probes, scraping). */
  port: number;
  /** Default 0.0.0.0, like the runtime's own health server. */
  host?: string;
  /** The private port of the function process to answer for now; undefined while none runs. */
  target: () => number | undefined;
  /**
   * Why `/readyz` answers 503 although that process may be ready: it is not the version the sidecar
   * asked for (a restart failed and the previous process serves again). Undefined: forward.
   */
  notReady?: () => string | undefined;
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * The fixed port in front of the function processes of the kubernetes supervisor: each process of an
 * overlapping restart has a private port (the old one frozen, the new one starting), and this server
 * forwards `/healthz`, `/readyz` and `/metrics` to the current one — so the sidecar's readiness check
 * and any probe see the process that is taking over. With no function running, `/healthz` answers 200
 * (the container is alive, in monitoring mode) and `/readyz` and `/metrics` 503; a process not
 * listening yet gives 503, and so does `/readyz` while `notReady` names a reason.
 */
export async function startFunctionFront(options: FunctionFrontOptions): Promise<FunctionFront> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (!FORWARDED.has(path)) {
      res.writeHead(404);
      res.end();
      return;
    }
    const port = options.target();
    if (port === undefined) {
      if (path === "/healthz") answer(res, 200, { status: "ok", function: "none" });
      else answer(res, 503, { ready: false, function: "none" });
      return;
    }
    const reason = path === "/readyz" ? options.notReady?.() : undefined;
    if (reason !== undefined) {
      answer(res, 503, { ready: false, function: "previous", reason });
      return;
    }
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers, timeout: 5000 },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.once("timeout", () => upstream.destroy(new Error(`no answer from port ${port} within 5 s`)));
    upstream.once("error", (error) => {
      if (res.headersSent) res.destroy();
      else answer(res, 503, { ready: false, function: "starting", error: error.message });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

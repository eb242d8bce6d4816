import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { safeLogger } from "../internal/logger.js";
import { MqttConnection } from "./mqtt-connection.js";

describe("TCP_NODELAY", () => {
  const servers: net.Server[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const server of servers.splice(0)) server.close();
  });

  it("is set on the first socket and on every reconnect's socket", async () => {
    const accepted: net.Socket[] = [];
    const server = net.createServer((socket) => {
      accepted.push(socket);
      socket.destroy(); // never answer CONNECT: the client reconnects
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const noDelaySockets = new Set<net.Socket>();
    const original = net.Socket.prototype.setNoDelay;
    vi.spyOn(net.Socket.prototype, "setNoDelay").mockImplementation(function (this: net.Socket, enable) {
      if (enable !== false) noDelaySockets.add(this);
      return original.call(this, enable);
    });
    const connection = new MqttConnection(
      { url: `mqtt://127.0.0.1:${port}`, reconnect: { initialDelayMs: 20, maxDelayMs: 40 } },
      { clientId: "nodelay-test", persistentSession: false, sessionExpirySeconds: 0, role: "main" },
      (_packet, release) => release(),
      safeLogger({}),
    );
    const started = connection.start(5_000).catch(() => {});
    await vi.waitFor(() => expect(accepted.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    await connection.end({ force: true });
    await started;
    const built = new Set<net.Socket>();
    expect(noDelaySockets.size).toBeGreaterThanOrEqual(3);
    for (const socket of noDelaySockets) built.add(socket);
    expect(built.size).toBe(noDelaySockets.size);
  });
});

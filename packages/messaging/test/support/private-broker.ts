import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectAsync } from "mqtt";

/**
 * A Mosquitto of our own, for tests that stop and start the broker: restarting the shared fixture
 * broker would break every other suite using it at the same time. Same binary and settings as the
 * fixture (persistence on, set_tcp_nodelay), on a free port, data in a temporary directory.
 */
export interface PrivateBroker {
  url: string;
  start(): Promise<void>;
  /** SIGTERM: Mosquitto writes its persistence file and exits. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

function mosquittoBinary(): string {
  const found = spawnSync("sh", ["-c", "command -v mosquitto || ls /usr/sbin/mosquitto"], {
    encoding: "utf8",
  });
  const path = found.stdout.trim().split("\n")[0];
  if (!path)
    throw new Error("mosquitto is not installed (the fixture installs it: pnpm exec sfn-fixture up)");
  return path;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitUntilAnswering(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const probe = await connectAsync(url, { connectTimeout: 500, reconnectPeriod: 0 });
      await probe.endAsync(true);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startPrivateBroker(): Promise<PrivateBroker> {
  const binary = mosquittoBinary();
  const dir = mkdtempSync(join(tmpdir(), "sfn-messaging-broker-"));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence true",
      `persistence_location ${dir}/`,
      "set_tcp_nodelay true",
      "max_queued_messages 100000",
      "max_inflight_messages 0",
      "log_dest none",
      ...(asRoot ? ["user root"] : []),
      "",
    ].join("\n"),
  );
  const url = `mqtt://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const broker: PrivateBroker = {
    url,
    async start() {
      child = spawn(binary, ["-c", conf], { stdio: "ignore" });
      await waitUntilAnswering(url);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await exited;
    },
    async dispose() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

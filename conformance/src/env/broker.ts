import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectAsync } from "mqtt";
import { freePort } from "./ports.js";

/**
 * The broker a language's runtime under test talks to. By default a Mosquitto of the runner's own
 * (same binary and settings as the fixture broker: persistence on, set_tcp_nodelay), so that
 * `restartBroker` never touches the shared fixture broker. With `--fixture external` it is the broker
 * of SFN_MQTT_URL, which the runner cannot restart.
 */
export interface Broker {
  url: string;
  /** false for an external broker: restartBroker steps are then reported as failures with the reason. */
  restartable: boolean;
  restart(): Promise<void>;
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

async function waitUntilAnswering(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const probe = await connectAsync(url, { connectTimeout: 500, reconnectPeriod: 0, protocolVersion: 5 });
      await probe.endAsync(true);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startPrivateBroker(): Promise<Broker> {
  const binary = mosquittoBinary();
  const dir = mkdtempSync(join(tmpdir(), "sfn-conformance-broker-"));
  const port = await freePort();
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
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "",
    ].join("\n"),
  );
  const url = `mqtt://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(binary, ["-c", conf], { stdio: "ignore" });
    child = started;
    // Never outlive the runner, even when it dies without disposing of the broker.
    const reap = () => started.kill("SIGKILL");
    process.once("exit", reap);
    started.once("exit", () => process.removeListener("exit", reap));
    await waitUntilAnswering(url);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM"); // Mosquitto writes its persistence file, so sessions survive the restart
    await exited;
  };
  await start();
  return {
    url,
    restartable: true,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function externalBroker(url: string): Broker {
  return {
    url,
    restartable: false,
    restart: () =>
      Promise.reject(new Error("restartBroker needs the runner's own broker (not --fixture external)")),
    dispose: () => Promise.resolve(),
  };
}

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectAsync, type IClientOptions } from "mqtt";
import { freePort } from "./free-port.js";

/**
 * A Mosquitto of a test's own, for tests that stop and start the broker: restarting the shared fixture
 * broker would break every other suite using it at the same time. Same binary and settings as the
 * fixture (persistence on, set_tcp_nodelay), on a free port, data in a temporary directory. Used by the
 * messaging and runtime integration tests and by the conformance runner's `restartBroker` step.
 */
export interface PrivateBroker {
  url: string;
  /** With `tls`: the self-signed certificate (PEM) the broker presents, to trust as a CA. */
  ca?: string;
  start(): Promise<void>;
  /** SIGTERM: Mosquitto writes its persistence file and exits. */
  stop(): Promise<void>;
  /** stop() then start(): persistent sessions and queued QoS 1 messages survive. */
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

export interface PrivateBrokerOptions {
  /** Serve MQTT over TLS (`mqtts://`) with a fresh self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /** Require these username/password pairs (a mosquitto_passwd file); anonymous clients are refused. */
  users?: Record<string, string>;
  /** Prefix of the temporary directory's name (default `sfn-private-broker-`). */
  dirPrefix?: string;
}

function runTool(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
  }
}

/** A self-signed certificate for 127.0.0.1/localhost, made with the openssl command-line tool. */
function selfSignedCertificate(dir: string): { certfile: string; keyfile: string; ca: string } {
  const certfile = join(dir, "cert.pem");
  const keyfile = join(dir, "key.pem");
  runTool("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout",
    keyfile,
    "-out",
    certfile,
  ]);
  return { certfile, keyfile, ca: readFileSync(certfile, "utf8") };
}

async function waitUntilAnswering(url: string, probeOptions: IClientOptions): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const probe = await connectAsync(url, { connectTimeout: 500, reconnectPeriod: 0, ...probeOptions });
      await probe.endAsync(true);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startPrivateBroker(options: PrivateBrokerOptions = {}): Promise<PrivateBroker> {
  const binary = mosquittoBinary();
  const dir = mkdtempSync(join(tmpdir(), options.dirPrefix ?? "sfn-private-broker-"));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const conf = join(dir, "mosquitto.conf");
  const tlsFiles = options.tls ? selfSignedCertificate(dir) : undefined;
  const users = Object.entries(options.users ?? {});
  const passwordFile = join(dir, "passwd");
  for (const [index, [user, password]] of users.entries()) {
    runTool("mosquitto_passwd", [...(index === 0 ? ["-c"] : []), "-b", passwordFile, user, password]);
  }
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(tlsFiles ? [`certfile ${tlsFiles.certfile}`, `keyfile ${tlsFiles.keyfile}`] : []),
      ...(users.length > 0
        ? ["allow_anonymous false", `password_file ${passwordFile}`]
        : ["allow_anonymous true"]),
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
  const url = `${tlsFiles ? "mqtts" : "mqtt"}://127.0.0.1:${port}`;
  const [probeUser] = users;
  const probeOptions: IClientOptions = {
    ...(tlsFiles ? { ca: tlsFiles.ca } : {}),
    ...(probeUser ? { username: probeUser[0], password: probeUser[1] } : {}),
  };
  let child: ChildProcess | undefined;
  const broker: PrivateBroker = {
    url,
    ...(tlsFiles ? { ca: tlsFiles.ca } : {}),
    async start() {
      const started = spawn(binary, ["-c", conf], { stdio: "ignore" });
      child = started;
      // Never outlive the test process, even when it dies without disposing of the broker.
      const reap = () => started.kill("SIGKILL");
      process.once("exit", reap);
      started.once("exit", () => process.removeListener("exit", reap));
      await waitUntilAnswering(url, probeOptions);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (running === undefined || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await exited;
    },
    async restart() {
      await broker.stop();
      await broker.start();
    },
    async dispose() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

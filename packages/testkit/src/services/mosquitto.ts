import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "../apt.js";
import type { FixtureConfig } from "../config.js";
import { probeMqtt } from "../probes.js";
import { isOurProcess, isRoot, readPidFile, systemUser, terminate, userCanWrite, which } from "../system.js";
import { startDetachedService } from "./detached-service.js";

export interface MosquittoPaths {
  root: string;
  conf: string;
  data: string;
  log: string;
  pid: string;
}

export function mosquittoPaths(dir: string): MosquittoPaths {
  const root = join(dir, "mosquitto");
  return {
    root,
    conf: join(root, "mosquitto.conf"),
    data: join(root, "data"),
    log: join(root, "mosquitto.log"),
    pid: join(root, "mosquitto.pid"),
  };
}

/**
 * The broker configuration. `set_tcp_nodelay true` matters: without it a QoS 1 round trip takes
 * ~44 ms (Nagle + delayed ACK). Logging goes to stderr, which the fixture redirects to
 * `mosquitto.log` through an inherited file descriptor, so the log works even after mosquitto drops
 * root privileges. `user` is only set when running as root.
 */
export function mosquittoConf(options: {
  port: number;
  host: string;
  dataDir: string;
  user?: string;
}): string {
  const lines = [
    "# Written by @sfn/testkit (sfn-fixture). Throwaway test broker; regenerated on every start.",
    `listener ${options.port} ${options.host}`,
    "allow_anonymous true",
    "persistence true",
    `persistence_location ${options.dataDir.endsWith("/") ? options.dataDir : `${options.dataDir}/`}`,
    "autosave_interval 60",
    "set_tcp_nodelay true",
    "max_queued_messages 100000",
    "max_inflight_messages 0",
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "log_type information",
    "log_timestamp true",
    "log_timestamp_format %Y-%m-%dT%H:%M:%S",
  ];
  if (options.user) lines.push(`user ${options.user}`);
  return `${lines.join("\n")}\n`;
}

/** Locates the mosquitto binary, installing the Debian package when it is missing. */
export async function ensureMosquittoBinary(log: (line: string) => void): Promise<string> {
  const found = process.env.SFN_MOSQUITTO_BIN || which("mosquitto");
  if (found) return found;
  await aptInstall(["mosquitto"], log);
  const installed = which("mosquitto");
  if (!installed)
    throw new Error(
      "apt-get installed mosquitto but the mosquitto binary was not found on PATH or in /usr/sbin",
    );
  return installed;
}

/** The binary's own version line, e.g. `mosquitto version 2.0.11`. */
export function mosquittoBinaryVersion(binary: string): string | undefined {
  const out = spawnSync(binary, ["-h"], { encoding: "utf8", timeout: 5000 });
  const line = `${out.stdout ?? ""}${out.stderr ?? ""}`.split("\n").find((l) => /mosquitto version/i.test(l));
  return line?.trim();
}

export async function startMosquitto(config: FixtureConfig, log: (line: string) => void): Promise<number> {
  const binary = await ensureMosquittoBinary(log);
  const paths = mosquittoPaths(config.dir);
  mkdirSync(paths.data, { recursive: true });

  let user: string | undefined;
  if (isRoot()) {
    // Mosquitto drops root privileges to `mosquitto`; its persistence directory must be writable by it.
    const account = systemUser("mosquitto");
    if (account) {
      chownSync(paths.root, account.uid, account.gid);
      chownSync(paths.data, account.uid, account.gid);
      user = userCanWrite("mosquitto", paths.data) ? "mosquitto" : "root";
    } else {
      user = "root";
    }
    if (user === "root") {
      log(`mosquitto: the mosquitto user cannot reach ${paths.data}; running the broker as root`);
    }
  }

  writeFileSync(
    paths.conf,
    mosquittoConf({
      port: config.mqttPort,
      host: config.host,
      dataDir: paths.data,
      ...(user ? { user } : {}),
    }),
  );
  rmSync(paths.pid, { force: true });

  return startDetachedService({
    name: "mosquitto",
    command: binary,
    args: ["-c", paths.conf],
    cwd: paths.root,
    log: paths.log,
    pidFile: paths.pid,
    url: config.env.SFN_MQTT_URL,
    probe: () => probeMqtt(config.env.SFN_MQTT_URL, 1000),
    readyTimeoutMs: 15_000,
  });
}

export function mosquittoPid(dir: string): number | undefined {
  const paths = mosquittoPaths(dir);
  const pid = readPidFile(paths.pid);
  return isOurProcess(pid, paths.conf) ? pid : undefined;
}

export async function stopMosquitto(dir: string): Promise<boolean> {
  const paths = mosquittoPaths(dir);
  const pid = mosquittoPid(dir);
  rmSync(paths.pid, { force: true });
  if (!pid) return false;
  await terminate(pid);
  return true;
}

import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { env } from "./harness.js";

const script = fileURLToPath(new URL("./notes-host.ts", import.meta.url));

export interface HostProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: string[];
}

/** Starts notes-host.ts (decorator syntax, run by tsx) in its own process; resolves once it is ready. */
export async function startHostProcess(
  name: string,
  settings: {
    prefix: string;
    databaseUrl: string;
    replicaId: string;
    httpPort?: number;
    concurrency?: number;
  },
): Promise<HostProcess> {
  const child = fork(script, [name], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: {
      ...process.env,
      SFN_MQTT_URL: env("SFN_MQTT_URL"),
      SFN_DATABASE_URL: settings.databaseUrl,
      SFN_DATABASE: "app",
      SFN_OIDC_ISSUER: env("SFN_OIDC_ISSUER"),
      SFN_OIDC_AUDIENCE: env("SFN_OIDC_AUDIENCE"),
      SFN_OIDC_ALLOW_INSECURE: "true",
      SFN_TOPIC_PREFIX: settings.prefix,
      SFN_REPLICA_ID: settings.replicaId,
      SFN_CONCURRENCY: String(settings.concurrency ?? 4),
      SFN_HTTP_PORT: settings.httpPort === undefined ? "" : String(settings.httpPort),
      SFN_LOG_LEVEL: "warn",
      SFN_SHUTDOWN_GRACE_MS: "10000",
    },
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    void exited.then((code) => reject(new Error(`host exited with ${code}: ${stderr.join("")}`)));
  });
  return { child, exited, stderr };
}

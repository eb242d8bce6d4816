import { type FSWatcher, mkdirSync, watch, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, sep } from "node:path";
import { type LoadedServiceConfig, loadServiceConfig } from "@sfn/runtime";
import { type DevIssuer, JWT_RESOURCE, startDevIssuer } from "@sfn/testkit";
import type { DevEndpoints } from "./dev-caller.js";
import { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.js";
import { type ServiceLogLine, ServiceProcess } from "./service-process.js";

export interface DevOptions {
  /** The service directory (holds sfn.config.json). */
  serviceDir: string;
  /** Broker, issuer keys and the PGlite database; default `<serviceDir>/.sfn/dev`. */
  stateDir?: string;
  /** Broker port; default 0 (a free port). */
  mqttPort?: number;
  /** Restart the function process when a file of the service changes; default true. */
  watch?: boolean;
  /** Output of the function process and of the dev server itself. */
  onLog?: (line: ServiceLogLine | { stream: "dev"; text: string }) => void;
}

/** What `sfn dev` writes to `<stateDir>/session.json` and `~/.cache/sfn/dev/session.json` for `sfn call`. */
export interface DevSession extends DevEndpoints {
  service: string;
  functions: string[];
  audience: string;
  serviceDir: string;
  pid: number;
}

export interface DevServer {
  readonly session: DevSession;
  readonly config: LoadedServiceConfig;
  /** Restarts the function process (what a file change does). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Where `sfn call` looks for the last `sfn dev` session when no endpoints are given. */
export function defaultSessionFile(): string {
  return join(process.env.SFN_DEV_HOME || join(homedir(), ".cache", "sfn", "dev"), "session.json");
}

const IGNORED = [".sfn", "node_modules", "dist", ".git", ".turbo", "test-results"];

/**
 * `sfn dev`: everything in one process tree, no system packages — aedes (MQTT 3.1.1), the dev OIDC
 * issuer, and the function as a child process on an embedded PGlite database with the shared
 * migrations — restarting the function when its files change.
 */
export async function startDev(options: DevOptions): Promise<DevServer> {
  const config = loadServiceConfig(options.serviceDir);
  const stateDir = options.stateDir ?? join(config.dir, ".sfn", "dev");
  mkdirSync(stateDir, { recursive: true });
  const log = (text: string) => options.onLog?.({ stream: "dev", text });

  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const resource of opened.reverse()) await resource.close().catch(() => {});
  };
  try {
    const broker: EmbeddedBroker = await startEmbeddedBroker({ port: options.mqttPort });
    opened.push(broker);
    const issuer: DevIssuer = await startDevIssuer({ dataDir: join(stateDir, "issuer") });
    opened.push(issuer);
    const env: Record<string, string> = {
      SFN_MQTT_URL: broker.url,
      SFN_MQTT_PROTOCOL: "3.1.1",
      SFN_OIDC_ISSUER: issuer.issuer,
      SFN_OIDC_AUDIENCE: JWT_RESOURCE,
      SFN_OIDC_ALLOW_INSECURE: "true",
      SFN_DATABASE_URL: `pglite:${join(stateDir, "db")}`,
      SFN_REPLICA_ID: "dev",
      SFN_CONCURRENCY: "1",
      SFN_VALIDATE_OUTPUT: "true",
      SFN_LOG_LEVEL: process.env.SFN_LOG_LEVEL || "info",
    };
    const service = new ServiceProcess({ serviceDir: config.dir, env, onLog: options.onLog });
    opened.push({ close: () => service.stop() });
    await service.start();

    const session: DevSession = {
      service: config.config.name,
      functions: Object.keys(config.contract.functions),
      mqttUrl: broker.url,
      mqttProtocolVersion: 4,
      issuer: issuer.issuer,
      audience: JWT_RESOURCE,
      serviceDir: config.dir,
      pid: process.pid,
    };
    for (const file of [join(stateDir, "session.json"), defaultSessionFile()]) {
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, `${JSON.stringify(session, null, 2)}\n`);
    }

    let restarting: Promise<void> | undefined;
    const restart = () => {
      restarting ??= (async () => {
        await service.stop();
        await service.start();
      })().finally(() => {
        restarting = undefined;
      });
      return restarting;
    };

    let watcher: FSWatcher | undefined;
    if (options.watch !== false) {
      let timer: NodeJS.Timeout | undefined;
      watcher = watch(config.dir, { recursive: true }, (_event, file) => {
        if (file === null) return;
        const first = relative(config.dir, join(config.dir, file)).split(sep)[0] ?? "";
        if (IGNORED.includes(first)) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          log(`${file} changed: restarting ${config.config.name}`);
          restart().then(
            () => log(`${config.config.name} restarted`),
            (error: unknown) => log(`restart failed: ${(error as Error).message}`),
          );
        }, 200);
      });
    }

    return {
      session,
      config,
      restart,
      async close() {
        watcher?.close();
        await restarting?.catch(() => {});
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

import { type FSWatcher, mkdirSync, watch, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, sep } from "node:path";
import {
  devGrantsSeeder,
  type LoadedServiceConfig,
  loadServiceConfig,
  pythonInterpreter,
} from "@sfn/runtime";
import { type DevIssuer, freePort, JWT_RESOURCE, startDevIssuer } from "@sfn/testkit";
import type { DevEndpoints } from "./dev-caller.js";
import { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.js";
import { startEmbeddedDatabase } from "./embedded-database.js";
import { type ServiceLogLine, ServiceProcess, type ServiceProcessOptions } from "./service-process.js";

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
  /**
   * The interpreter that has sfn-runtime installed, for a Python service; default SFN_PYTHON_COMMAND,
   * else (from a checkout) the runtimes/python venv, else `python3`.
   */
  pythonCommand?: string;
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
 * migrations — restarting the function when its files change. A Node service opens PGlite in its own
 * process; a Python service (`python -m sfn_runtime`) reaches it through a loopback socket served here
 * (embedded-database.ts), with one call at a time.
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
    let runtime: ServiceProcessOptions["runtime"];
    if (config.python !== undefined) {
      // A Python service: PGlite is served from here (the Node runtime opens it in its own process).
      const database = await startEmbeddedDatabase({
        dataDir: join(stateDir, "db"),
        seed: devGrantsSeeder(config),
      });
      opened.push(database);
      Object.assign(env, {
        SFN_DATABASE_URL: database.url,
        SFN_DATABASE: config.config.database ?? "app",
        SFN_DATABASE_POOL_SIZE: "1", // pglite-socket: one session, so one connection and one call at a time
        SFN_SHARED_SUBSCRIPTIONS: "false", // aedes has no $share: one connection on the plain topic
        SFN_CONNECTIONS: "1",
      });
      runtime = {
        file: options.pythonCommand ?? pythonInterpreter(),
        args: ["-B", "-m", "sfn_runtime", config.python.spec, join(config.dir, config.config.contract)],
        httpPort: await freePort(),
      };
    }
    const service = new ServiceProcess({
      serviceDir: config.dir,
      env,
      ...(options.onLog ? { onLog: options.onLog } : {}),
      ...(runtime ? { runtime } : {}),
    });
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

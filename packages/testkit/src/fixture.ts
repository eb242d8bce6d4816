import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type FixtureConfig,
  type FixtureConfigOptions,
  type FixtureEnv,
  type FixtureMode,
  formatEnvExports,
  redactUrl,
  resolveFixtureConfig,
} from "./config.js";
import { withFixtureLock } from "./lock.js";
import { type ProbeResult, probeMqtt, probeOidc, probePostgres } from "./probes.js";
import { mosquittoPaths, mosquittoPid, startMosquitto, stopMosquitto } from "./services/mosquitto.js";
import { oidcPaths, oidcPid, startOidc, stopOidc } from "./services/oidc.js";
import { postgresPaths, postgresPid, startPostgres, stopPostgres } from "./services/postgres.js";
import { terminate } from "./system.js";

export type ServiceName = "mqtt" | "postgres" | "oidc";

export interface ServiceState {
  name: ServiceName;
  /** The URL clients use (`SFN_MQTT_URL`, `SFN_DATABASE_URL`, `SFN_OIDC_ISSUER`). */
  url: string;
  running: boolean;
  /** The real version the running service reports (mosquitto's `$SYS/broker/version`, `SELECT version()`, oidc-provider's). */
  version?: string;
  /** Pid of the process the fixture started (absent for external or foreign services). */
  pid?: number;
  /** What `up` did: started it now, found it already answering, or only checked an external one. */
  action?: "started" | "reused" | "external";
  error?: string;
  /** The service's log file in the data directory (local mode). */
  log?: string;
}

export interface FixtureStatus {
  mode: FixtureMode;
  dir: string;
  env: FixtureEnv;
  services: ServiceState[];
}

export interface FixtureUpResult extends FixtureStatus {
  elapsedMs: number;
  /** `<dir>/fixture.env`: the `export VAR=...` lines. */
  envFile: string;
}

export interface FixtureOptions extends FixtureConfigOptions {
  /** Progress/diagnostic lines; default writes `[sfn-fixture] ...` to stderr, `false` silences. */
  log?: ((line: string) => void) | false;
}

export const SERVICE_NAMES: readonly ServiceName[] = ["mqtt", "postgres", "oidc"];

const LABELS: Record<ServiceName, string> = {
  mqtt: "MQTT broker",
  postgres: "PostgreSQL",
  oidc: "OIDC issuer",
};

function logger(options: FixtureOptions): (line: string) => void {
  if (options.log === false) return () => {};
  return options.log ?? ((line: string) => process.stderr.write(`[sfn-fixture] ${line}\n`));
}

function serviceUrl(config: FixtureConfig, name: ServiceName): string {
  switch (name) {
    case "mqtt":
      return config.env.SFN_MQTT_URL;
    case "postgres":
      return config.env.SFN_DATABASE_URL;
    case "oidc":
      return config.env.SFN_OIDC_ISSUER;
  }
}

function probe(config: FixtureConfig, name: ServiceName): Promise<ProbeResult> {
  const url = serviceUrl(config, name);
  switch (name) {
    case "mqtt":
      return probeMqtt(url);
    case "postgres":
      return probePostgres(url);
    case "oidc":
      return probeOidc(url);
  }
}

function localPid(config: FixtureConfig, name: ServiceName): number | undefined {
  switch (name) {
    case "mqtt":
      return mosquittoPid(config.dir);
    case "postgres":
      return postgresPid(config.dir);
    case "oidc":
      return oidcPid(config.dir);
  }
}

function logPath(config: FixtureConfig, name: ServiceName): string {
  switch (name) {
    case "mqtt":
      return mosquittoPaths(config.dir).log;
    case "postgres":
      return postgresPaths(config.dir).log;
    case "oidc":
      return oidcPaths(config.dir).log;
  }
}

function start(config: FixtureConfig, name: ServiceName, log: (line: string) => void): Promise<number> {
  switch (name) {
    case "mqtt":
      return startMosquitto(config, log);
    case "postgres":
      return startPostgres(config, log);
    case "oidc":
      return startOidc(config, log);
  }
}

async function stop(config: FixtureConfig, name: ServiceName): Promise<boolean> {
  switch (name) {
    case "mqtt":
      return stopMosquitto(config.dir);
    case "postgres":
      return stopPostgres(config.dir);
    case "oidc":
      return stopOidc(config.dir);
  }
}

async function probeAll(config: FixtureConfig): Promise<Record<ServiceName, ProbeResult>> {
  const [mqtt, postgres, oidc] = await Promise.all(SERVICE_NAMES.map((n) => probe(config, n)));
  return { mqtt: mqtt!, postgres: postgres!, oidc: oidc! };
}

function stateFrom(config: FixtureConfig, name: ServiceName, result: ProbeResult): ServiceState {
  const state: ServiceState = { name, url: serviceUrl(config, name), running: result.ok };
  if (result.ok) state.version = result.version;
  else state.error = result.error;
  if (config.mode === "local") {
    const pid = localPid(config, name);
    if (pid) state.pid = pid;
    state.log = logPath(config, name);
  }
  return state;
}

/** Writes `<dir>/fixture.env` atomically when its content changed. */
function writeEnvFile(config: FixtureConfig): string {
  const path = join(config.dir, "fixture.env");
  const text = `# sfn fixture environment (${config.mode} mode). Source it: . ${path}\n${formatEnvExports(config.env)}`;
  if (!existsSync(config.dir)) return path;
  const current = readFileSyncSafe(path);
  if (current !== text) {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  return path;
}

function readFileSyncSafe(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function unreachableMessage(failures: ServiceState[]): string {
  const lines = failures.map(
    (s) => `  - ${LABELS[s.name]} at ${redactUrl(s.url)} is unreachable: ${s.error}`,
  );
  return (
    `sfn fixture (external mode, SFN_FIXTURE=external): ${failures.length} service(s) not reachable:\n${lines.join("\n")}\n` +
    "Check SFN_MQTT_URL / SFN_DATABASE_URL / SFN_OIDC_ISSUER, or unset SFN_FIXTURE to let the fixture start local services."
  );
}

/**
 * Makes sure the three services answer and returns their state. Local mode: reuses whatever
 * already answers (TCP + protocol check) and starts only what is missing, under a cross-process
 * lock. External mode: starts nothing and fails naming every unreachable URL.
 */
export async function upFixture(options: FixtureOptions = {}): Promise<FixtureUpResult> {
  const started = performance.now();
  const log = logger(options);
  const config = resolveFixtureConfig(options);
  const finish = (services: ServiceState[]): FixtureUpResult => ({
    mode: config.mode,
    dir: config.dir,
    env: config.env,
    services,
    envFile: writeEnvFile(config),
    elapsedMs: performance.now() - started,
  });

  if (config.mode === "external") {
    const results = await probeAll(config);
    const services = SERVICE_NAMES.map((n) => ({
      ...stateFrom(config, n, results[n]),
      action: "external" as const,
    }));
    const failures = services.filter((s) => !s.running);
    if (failures.length) throw new Error(unreachableMessage(failures));
    return finish(services);
  }

  // Fast path: everything already answers, no lock needed.
  const first = await probeAll(config);
  if (SERVICE_NAMES.every((n) => first[n].ok)) {
    return finish(
      SERVICE_NAMES.map((n) => ({ ...stateFrom(config, n, first[n]), action: "reused" as const })),
    );
  }

  return withFixtureLock(config.dir, async () => {
    const current = await probeAll(config);
    const actions = new Map<ServiceName, "started" | "reused">();
    const failures: string[] = [];
    await Promise.all(
      SERVICE_NAMES.map(async (name) => {
        const result = current[name];
        if (result.ok) {
          actions.set(name, "reused");
          return;
        }
        const ours = localPid(config, name);
        if (result.tcpOpen && !ours) {
          failures.push(
            `${LABELS[name]}: ${redactUrl(serviceUrl(config, name))} is taken by a process the fixture did not start ` +
              `and it does not answer as expected (${result.error}). Stop it or choose another port (SFN_*_PORT).`,
          );
          return;
        }
        // Ours but not answering: hung or half-started. PostgreSQL's start handles its own restart.
        if (ours && name !== "postgres") {
          log(`${name}: pid ${ours} is not answering (${result.error}); restarting it`);
          await terminate(ours, 5000);
        }
        log(`${name}: starting`);
        const t = performance.now();
        try {
          await start(config, name, log);
          actions.set(name, "started");
          log(`${name}: up in ${Math.round(performance.now() - t)} ms`);
        } catch (err) {
          failures.push(`${LABELS[name]}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    if (failures.length)
      throw new Error(`sfn fixture: could not start every service:\n${failures.join("\n")}`);
    const after = await probeAll(config);
    const services = SERVICE_NAMES.map((n) => {
      const state = stateFrom(config, n, after[n]);
      const action = actions.get(n);
      return action ? { ...state, action } : state;
    });
    const down = services.filter((s) => !s.running);
    if (down.length) {
      throw new Error(
        `sfn fixture: started but not answering: ${down.map((s) => `${LABELS[s.name]} (${s.error})`).join("; ")}`,
      );
    }
    return finish(services);
  });
}

/** Ensures the fixture (see {@link upFixture}) and returns the environment-variable contract. */
export async function ensureFixture(options: FixtureOptions = {}): Promise<FixtureEnv> {
  return (await upFixture(options)).env;
}

/** The fixture's environment variables, computed without touching any service. */
export function fixtureEnv(options: FixtureConfigOptions = {}): FixtureEnv {
  return resolveFixtureConfig(options).env;
}

/** Probes the three services without starting anything. */
export async function fixtureStatus(options: FixtureOptions = {}): Promise<FixtureStatus> {
  const config = resolveFixtureConfig(options);
  const results = await probeAll(config);
  return {
    mode: config.mode,
    dir: config.dir,
    env: config.env,
    services: SERVICE_NAMES.map((n) => stateFrom(config, n, results[n])),
  };
}

export interface StopResult {
  name: ServiceName;
  outcome: "stopped" | "not running" | "left alone";
  detail?: string;
}

const FIXTURE_DIR_ENTRIES = new Set(["mosquitto", "postgres", "oidc", "fixture.env", "fixture.lock"]);

/**
 * Stops the services the fixture started (found through their pid files; anything else answering
 * on the ports is left alone). `purge` also deletes the data directory, after checking that it
 * holds nothing but fixture files.
 */
export async function stopFixture(options: FixtureOptions & { purge?: boolean } = {}): Promise<StopResult[]> {
  const log = logger(options);
  const config = resolveFixtureConfig(options);
  if (config.mode === "external") {
    log("external mode (SFN_FIXTURE=external): nothing to stop");
    return SERVICE_NAMES.map((name) => ({ name, outcome: "left alone" as const, detail: "external" }));
  }
  if (!existsSync(config.dir)) {
    return SERVICE_NAMES.map((name) => ({ name, outcome: "not running" as const }));
  }
  const results = await withFixtureLock(config.dir, () =>
    Promise.all(
      SERVICE_NAMES.map(async (name): Promise<StopResult> => {
        const stopped = await stop(config, name);
        return { name, outcome: stopped ? "stopped" : "not running" };
      }),
    ),
  );
  for (const r of results) log(`${r.name}: ${r.outcome}`);
  if (options.purge) {
    const unknown = readdirSync(config.dir).filter((e) => !FIXTURE_DIR_ENTRIES.has(e) && !e.endsWith(".tmp"));
    if (unknown.length) {
      throw new Error(
        `refusing to purge ${config.dir}: it contains entries the fixture did not create (${unknown.join(", ")})`,
      );
    }
    rmSync(config.dir, { recursive: true, force: true });
    log(`purged ${config.dir}`);
  }
  return results;
}

/** One human-readable line per service, as `sfn-fixture up`/`status` print them. */
export function formatServiceLine(s: ServiceState): string {
  const name = s.name.padEnd(8);
  const url = redactUrl(s.url).padEnd(42);
  if (!s.running) return `${name} ${url} DOWN  ${s.error ?? ""}`.trimEnd();
  const extras = [s.action, s.pid ? `pid ${s.pid}` : undefined].filter(Boolean).join(", ");
  return `${name} ${url} ${s.version ?? "?"}${extras ? `  [${extras}]` : ""}`;
}

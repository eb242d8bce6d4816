import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The loopback address every fixture service binds to. */
export const FIXTURE_HOST = "127.0.0.1";

export const DEFAULT_MQTT_PORT = 18830;
export const DEFAULT_PG_PORT = 15432;
export const DEFAULT_OIDC_PORT = 18900;
export const DEFAULT_DATABASE = "sfn";

/** Resource indicator whose access tokens are RS256 JWTs (`typ: at+jwt`), validated locally. */
export const JWT_RESOURCE = "urn:sfn:api";
/** Resource indicator whose access tokens are opaque and validated by introspection (RFC 7662). */
export const OPAQUE_RESOURCE = "urn:sfn:api-opaque";
/** The custom grant type that mints a token for a named fixture user. */
export const TEST_USER_GRANT_TYPE = "urn:sfn:params:oauth:grant-type:test-user";
/** Scopes the fixture issuer knows; both resources accept all of them. */
export const FIXTURE_SCOPES = ["sfn:invoke", "sfn:admin", "jobs:read", "jobs:write"] as const;

export const TEST_CLIENT_ID = "sfn-test";
export const TEST_CLIENT_SECRET = "sfn-test-secret";
export const RESOURCE_CLIENT_ID = "sfn-runtime";
export const RESOURCE_CLIENT_SECRET = "sfn-runtime-secret";

/**
 * The environment-variable contract between the fixture and every package, language and tool that
 * uses it. `sfn-fixture env` prints these; the vitest global setup puts them into `process.env`.
 */
export interface FixtureEnv {
  SFN_MQTT_URL: string;
  SFN_DATABASE_URL: string;
  SFN_OIDC_ISSUER: string;
  SFN_OIDC_CLIENT_ID: string;
  SFN_OIDC_CLIENT_SECRET: string;
  SFN_OIDC_RESOURCE_CLIENT_ID: string;
  SFN_OIDC_RESOURCE_CLIENT_SECRET: string;
  SFN_OIDC_AUDIENCE: string;
  SFN_FIXTURE_DIR: string;
}

export const FIXTURE_ENV_KEYS = [
  "SFN_MQTT_URL",
  "SFN_DATABASE_URL",
  "SFN_OIDC_ISSUER",
  "SFN_OIDC_CLIENT_ID",
  "SFN_OIDC_CLIENT_SECRET",
  "SFN_OIDC_RESOURCE_CLIENT_ID",
  "SFN_OIDC_RESOURCE_CLIENT_SECRET",
  "SFN_OIDC_AUDIENCE",
  "SFN_FIXTURE_DIR",
] as const satisfies readonly (keyof FixtureEnv)[];

export type FixtureMode = "local" | "external";

/** Everything the fixture needs to know, resolved once from options and the environment. */
export interface FixtureConfig {
  mode: FixtureMode;
  /** Data directory: service data, logs, pid files, the lock and `fixture.env`. */
  dir: string;
  host: string;
  mqttPort: number;
  pgPort: number;
  oidcPort: number;
  env: FixtureEnv;
}

export interface FixtureConfigOptions {
  /** `local` starts services; `external` only checks the URLs from the environment. */
  mode?: FixtureMode;
  dir?: string;
  mqttPort?: number;
  pgPort?: number;
  oidcPort?: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses a TCP port from an env value; `undefined`/empty gives the fallback. */
export function parsePort(value: string | number | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const port = typeof value === "number" ? value : Number(value.trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port between 1 and 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** `SFN_FIXTURE=external` (also `1`/`true`-style spellings of "external") selects external mode. */
export function parseMode(value: string | undefined): FixtureMode {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "local" || v === "managed") return "local";
  if (v === "external") return "external";
  throw new Error(`SFN_FIXTURE must be "local" (the default) or "external", got ${JSON.stringify(value)}`);
}

/** The default data directory: `${TMPDIR:-/tmp}/sfn-fixture`, or `SFN_FIXTURE_DIR`. */
export function defaultFixtureDir(env: Env = process.env): string {
  const explicit = env.SFN_FIXTURE_DIR?.trim();
  if (explicit) return resolve(explicit);
  const tmp = env.TMPDIR?.trim() || (process.platform === "win32" ? tmpdir() : "/tmp");
  return join(tmp, "sfn-fixture");
}

/**
 * Resolves the fixture configuration. In local mode every URL is derived from the ports (the
 * fixture owns them); in external mode the URLs and credentials come from the environment and
 * fall back to the local defaults.
 */
export function resolveFixtureConfig(
  options: FixtureConfigOptions = {},
  env: Env = process.env,
): FixtureConfig {
  const mode = options.mode ?? parseMode(env.SFN_FIXTURE);
  const dir = options.dir ? resolve(options.dir) : defaultFixtureDir(env);
  const mqttPort = parsePort(options.mqttPort ?? env.SFN_MQTT_PORT, "SFN_MQTT_PORT", DEFAULT_MQTT_PORT);
  const pgPort = parsePort(options.pgPort ?? env.SFN_PG_PORT, "SFN_PG_PORT", DEFAULT_PG_PORT);
  const oidcPort = parsePort(options.oidcPort ?? env.SFN_OIDC_PORT, "SFN_OIDC_PORT", DEFAULT_OIDC_PORT);
  const host = FIXTURE_HOST;

  const local: FixtureEnv = {
    SFN_MQTT_URL: `mqtt://${host}:${mqttPort}`,
    SFN_DATABASE_URL: `postgres://postgres@${host}:${pgPort}/${DEFAULT_DATABASE}`,
    SFN_OIDC_ISSUER: `http://${host}:${oidcPort}`,
    SFN_OIDC_CLIENT_ID: TEST_CLIENT_ID,
    SFN_OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SFN_OIDC_RESOURCE_CLIENT_ID: RESOURCE_CLIENT_ID,
    SFN_OIDC_RESOURCE_CLIENT_SECRET: RESOURCE_CLIENT_SECRET,
    SFN_OIDC_AUDIENCE: JWT_RESOURCE,
    SFN_FIXTURE_DIR: dir,
  };

  if (mode === "local") {
    return { mode, dir, host, mqttPort, pgPort, oidcPort, env: local };
  }

  const pick = (key: keyof FixtureEnv): string => env[key]?.trim() || local[key];
  const external: FixtureEnv = {
    SFN_MQTT_URL: pick("SFN_MQTT_URL"),
    SFN_DATABASE_URL: pick("SFN_DATABASE_URL"),
    SFN_OIDC_ISSUER: pick("SFN_OIDC_ISSUER"),
    SFN_OIDC_CLIENT_ID: pick("SFN_OIDC_CLIENT_ID"),
    SFN_OIDC_CLIENT_SECRET: pick("SFN_OIDC_CLIENT_SECRET"),
    SFN_OIDC_RESOURCE_CLIENT_ID: pick("SFN_OIDC_RESOURCE_CLIENT_ID"),
    SFN_OIDC_RESOURCE_CLIENT_SECRET: pick("SFN_OIDC_RESOURCE_CLIENT_SECRET"),
    SFN_OIDC_AUDIENCE: pick("SFN_OIDC_AUDIENCE"),
    SFN_FIXTURE_DIR: dir,
  };
  for (const key of ["SFN_MQTT_URL", "SFN_DATABASE_URL", "SFN_OIDC_ISSUER"] as const) {
    assertUrl(key, external[key]);
  }
  return { mode, dir, host, mqttPort, pgPort, oidcPort, env: external };
}

function assertUrl(name: string, value: string): void {
  if (!URL.canParse(value)) throw new Error(`${name} is not a valid URL: ${JSON.stringify(value)}`);
}

/** Quotes a value for POSIX shells (`export X=...`); plain values stay unquoted. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/** Renders `export VAR=value` lines, the format of `sfn-fixture env` and of `fixture.env`. */
export function formatEnvExports(env: FixtureEnv): string {
  return `${FIXTURE_ENV_KEYS.map((key) => `export ${key}=${shellQuote(env[key])}`).join("\n")}\n`;
}

/** Parses the lines written by {@link formatEnvExports} (and plain `KEY=value` dotenv lines). */
export function parseEnvExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(value: string): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === "'") {
      const end = value.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated quote in ${JSON.stringify(value)}`);
      out += value.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const end = value.indexOf('"', i + 1);
      if (end === -1) throw new Error(`unterminated quote in ${JSON.stringify(value)}`);
      out += value.slice(i + 1, end);
      i = end + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Redacts the password of a URL for printing (`postgres://u:***@h/db`). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  } catch {
    return url;
  }
}

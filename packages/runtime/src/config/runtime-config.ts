import { hostname } from "node:os";
import { ValidationError } from "@sfn/contracts";

/** The host's settings, read from SFN_* environment variables. */
export interface RuntimeConfig {
  mqttUrl: string;
  /** SFN_MQTT_PROTOCOL: 5 (default) or 3.1.1 (aedes, the broker `sfn dev` embeds). */
  mqttProtocolVersion: 4 | 5;
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  /** SFN_CONCURRENCY: calls handled at once (default 64). */
  concurrency: number;
  /** SFN_CONNECTIONS: connections in the shared-subscription group they are spread over (default 2). */
  connections: number;
  replicaId: string;
  topicPrefix: string | undefined;
  oidcIssuer: string | undefined;
  oidcAudience: string | undefined;
  allowInsecureIssuer: boolean;
  /** SFN_OIDC_MODE: `jwt` (default without introspection credentials), `introspection` or `auto`. */
  oidcMode: "jwt" | "introspection" | "auto" | undefined;
  /** SFN_OIDC_RESOURCE_CLIENT_ID / _SECRET: this resource server's client, for token introspection. */
  oidcResourceClientId: string | undefined;
  oidcResourceClientSecret: string | undefined;
  /** postgres://… or pglite:<directory> (PGlite in this process, the embedded default of `sfn dev`). */
  databaseUrl: string | undefined;
  database: string;
  httpPort: number | undefined;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  dedup: boolean;
  dedupTtlSeconds: number;
  defaultTimeoutMs: number;
  shutdownGraceMs: number;
  validateOutput: boolean;
  /** SFN_MIRROR_PROPERTIES: mirror the envelopes of replies and of the functions' own messages into MQTT 5 properties (P-PROP-2). */
  mirrorProperties: boolean;
}

type Env = Record<string, string | undefined>;

function invalid(setting: string, expected: string): never {
  throw new ValidationError(`invalid setting ${setting}: expected ${expected}`, {
    details: { setting, expected },
  });
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    invalid(name, `an integer from ${min} to ${max}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  return invalid(name, "true or false");
}

function url(env: Env, name: string, protocols: string[], required: boolean): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") {
    if (required) throw new ValidationError(`missing setting ${name}`, { details: { setting: name } });
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return invalid(name, `a URL (${protocols.join(", ")})`);
  }
  if (!protocols.includes(parsed.protocol)) invalid(name, `a URL (${protocols.join(", ")})`);
  return raw;
}

function protocolLevel(env: Env): 4 | 5 {
  const raw = env.SFN_MQTT_PROTOCOL;
  if (raw === undefined || raw === "" || raw === "5" || raw === "5.0") return 5;
  if (raw === "3.1.1" || raw === "4") return 4;
  return invalid("SFN_MQTT_PROTOCOL", "5 or 3.1.1");
}

function oidcMode(env: Env): RuntimeConfig["oidcMode"] {
  const raw = env.SFN_OIDC_MODE;
  if (raw === undefined || raw === "") return undefined;
  if (raw === "jwt" || raw === "introspection" || raw === "auto") return raw;
  return invalid("SFN_OIDC_MODE", "jwt, introspection or auto");
}

/**
 * Reads the configuration; a missing or invalid setting throws a ValidationError whose message and
 * `details.setting` name it.
 */
export function loadRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const logLevel = env.SFN_LOG_LEVEL || "info";
  if (!["debug", "info", "warn", "error", "silent"].includes(logLevel)) {
    invalid("SFN_LOG_LEVEL", "debug, info, warn, error or silent");
  }
  const mode = oidcMode(env);
  const oidcResourceClientId = env.SFN_OIDC_RESOURCE_CLIENT_ID || undefined;
  const oidcResourceClientSecret = env.SFN_OIDC_RESOURCE_CLIENT_SECRET || undefined;
  if ((mode === "introspection" || mode === "auto") && !oidcResourceClientId) {
    throw new ValidationError(
      `missing setting SFN_OIDC_RESOURCE_CLIENT_ID (needed by SFN_OIDC_MODE=${mode})`,
      {
        details: { setting: "SFN_OIDC_RESOURCE_CLIENT_ID" },
      },
    );
  }
  if (oidcResourceClientId && !oidcResourceClientSecret) {
    throw new ValidationError("missing setting SFN_OIDC_RESOURCE_CLIENT_SECRET", {
      details: { setting: "SFN_OIDC_RESOURCE_CLIENT_SECRET" },
    });
  }
  const httpPort = env.SFN_HTTP_PORT ? integer(env, "SFN_HTTP_PORT", 0, 0, 65_535) : undefined;
  return {
    mqttUrl: url(env, "SFN_MQTT_URL", ["mqtt:", "mqtts:", "ws:", "wss:", "tcp:"], true)!,
    mqttProtocolVersion: protocolLevel(env),
    mqttUsername: env.SFN_MQTT_USERNAME || undefined,
    mqttPassword: env.SFN_MQTT_PASSWORD || undefined,
    concurrency: integer(env, "SFN_CONCURRENCY", 64, 1, 1024),
    connections: integer(env, "SFN_CONNECTIONS", 2, 1, 64),
    replicaId: env.SFN_REPLICA_ID || hostname().replace(/[^A-Za-z0-9_-]/g, "-"),
    topicPrefix: env.SFN_TOPIC_PREFIX || undefined,
    oidcIssuer: url(env, "SFN_OIDC_ISSUER", ["http:", "https:"], false),
    oidcAudience: env.SFN_OIDC_AUDIENCE || undefined,
    allowInsecureIssuer: boolean(env, "SFN_OIDC_ALLOW_INSECURE", false),
    oidcMode: mode,
    oidcResourceClientId,
    oidcResourceClientSecret,
    databaseUrl: url(env, "SFN_DATABASE_URL", ["postgres:", "postgresql:", "pglite:"], false),
    database: env.SFN_DATABASE || "app",
    httpPort,
    logLevel: logLevel as RuntimeConfig["logLevel"],
    dedup: boolean(env, "SFN_DEDUP", true),
    dedupTtlSeconds: integer(env, "SFN_DEDUP_TTL_SECONDS", 86_400, 60, 30 * 86_400),
    defaultTimeoutMs: integer(env, "SFN_DEFAULT_TIMEOUT_MS", 30_000, 1, 3_600_000),
    shutdownGraceMs: integer(env, "SFN_SHUTDOWN_GRACE_MS", 10_000, 0, 3_600_000),
    validateOutput: boolean(env, "SFN_VALIDATE_OUTPUT", false),
    mirrorProperties: boolean(env, "SFN_MIRROR_PROPERTIES", false),
  };
}

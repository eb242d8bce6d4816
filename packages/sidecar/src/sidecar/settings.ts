import { hostname } from "node:os";
import { INTERFACE_HASH, ValidationError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";

/** The sidecar's settings, from SFN_* environment variables (docs/deployment.md). */
export interface SidecarSettings {
  databaseUrl: string;
  podId: string;
  baseImage: string;
  interfaceHash: string;
  compatibleInterfaceHashes: string[];
  appsDir: string;
  launcher: "process" | "kubernetes";
  functionHttpPort: number | undefined;
  metricsPort: number | undefined;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  leaseSeconds: number;
}

type Env = Record<string, string | undefined>;

function invalid(setting: string, expected: string): never {
  throw new ValidationError(`invalid setting ${setting}: expected ${expected}`, {
    code: SidecarErrorCodes.settingInvalid,
    details: { setting, expected },
  });
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) invalid(name, "a value (it is required)");
  return value;
}

function integer(
  env: Env,
  name: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    invalid(name, `an integer from ${min} to ${max}`);
  return value;
}

export function loadSidecarSettings(env: Env = process.env): SidecarSettings {
  const launcher = env.SFN_LAUNCHER || "process";
  if (launcher !== "process" && launcher !== "kubernetes") invalid("SFN_LAUNCHER", "process or kubernetes");
  return {
    databaseUrl: required(env, "SFN_DATABASE_URL"),
    podId: env.SFN_POD_ID || hostname(),
    baseImage: required(env, "SFN_BASE_IMAGE"),
    interfaceHash: env.SFN_INTERFACE_HASH || INTERFACE_HASH,
    compatibleInterfaceHashes: (env.SFN_COMPATIBLE_INTERFACE_HASHES ?? "").split(",").filter(Boolean),
    appsDir: env.SFN_APPS_DIR || "/opt/sfn/apps",
    launcher,
    functionHttpPort: integer(
      env,
      "SFN_FUNCTION_HTTP_PORT",
      launcher === "kubernetes" ? 8080 : undefined,
      1,
      65_535,
    ),
    metricsPort: integer(env, "SFN_SIDECAR_METRICS_PORT", undefined, 0, 65_535),
    pollIntervalMs: integer(env, "SFN_POLL_INTERVAL_MS", 5000, 50, 600_000)!,
    heartbeatIntervalMs: integer(env, "SFN_HEARTBEAT_INTERVAL_MS", 2000, 50, 600_000)!,
    leaseSeconds: integer(env, "SFN_LEASE_SECONDS", 10, 1, 3600)!,
  };
}

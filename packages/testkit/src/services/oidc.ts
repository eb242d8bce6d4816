import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FixtureConfig } from "../config.js";
import { probeOidc } from "../probes.js";
import { isOurProcess, readPidFile, terminate } from "../system.js";
import { startDetachedService } from "./detached-service.js";

export interface OidcPaths {
  root: string;
  log: string;
  pid: string;
  jwks: string;
}

export function oidcPaths(dir: string): OidcPaths {
  const root = join(dir, "oidc");
  return { root, log: join(root, "oidc.log"), pid: join(root, "oidc.pid"), jwks: join(root, "jwks.json") };
}

/**
 * How to run the issuer: the built `dist/oidc-server.js` next to this module, or, when the testkit
 * runs from source (its own tests), `src/oidc-server.ts` through the tsx loader.
 */
export function oidcServerCommand(): { args: string[]; entry: string } {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, dirname(here)]) {
    const js = join(dir, "oidc-server.js");
    if (existsSync(js)) return { args: [js], entry: js };
  }
  for (const dir of [here, dirname(here)]) {
    const ts = join(dir, "oidc-server.ts");
    if (existsSync(ts)) {
      const tsx = createRequire(import.meta.url).resolve("tsx");
      return { args: ["--import", pathToFileURL(tsx).href, ts], entry: ts };
    }
  }
  throw new Error(
    `cannot find oidc-server.js next to ${here}; build @sfn/testkit first (pnpm --filter @sfn/testkit build)`,
  );
}

export async function startOidc(config: FixtureConfig, _log: (line: string) => void): Promise<number> {
  const paths = oidcPaths(config.dir);
  mkdirSync(paths.root, { recursive: true });
  rmSync(paths.pid, { force: true });
  const { args } = oidcServerCommand();
  return startDetachedService({
    name: "the OIDC issuer",
    command: process.execPath,
    args: [
      ...args,
      "--issuer",
      config.env.SFN_OIDC_ISSUER,
      "--host",
      config.host,
      "--port",
      String(config.oidcPort),
      "--data-dir",
      paths.root,
    ],
    cwd: paths.root,
    env: { ...process.env, NODE_ENV: "test", NODE_OPTIONS: "" },
    log: paths.log,
    pidFile: paths.pid,
    url: config.env.SFN_OIDC_ISSUER,
    probe: () => probeOidc(config.env.SFN_OIDC_ISSUER, 1000),
    readyTimeoutMs: 20_000,
  });
}

export function oidcPid(dir: string): number | undefined {
  const pid = readPidFile(oidcPaths(dir).pid);
  return isOurProcess(pid, oidcPaths(dir).root) ? pid : undefined;
}

export async function stopOidc(dir: string): Promise<boolean> {
  const pid = oidcPid(dir);
  rmSync(oidcPaths(dir).pid, { force: true });
  if (!pid) return false;
  await terminate(pid, 5000);
  return true;
}

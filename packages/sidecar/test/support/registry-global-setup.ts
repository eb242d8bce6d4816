/**
 * vitest globalSetup: a private OCI registry on loopback — Debian's `docker-registry` (distribution 2.8)
 * — installed with apt when missing (root), started once, reused when already up, stopped at the end by
 * the run that started it. Exports SFN_TEST_REGISTRY (host:port) and SFN_TEST_REGISTRY_STORAGE.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

const HOST = process.env.SFN_TEST_REGISTRY ?? "127.0.0.1:15055";
const ROOT = "/tmp/sfn-sidecar-registry";

async function up(): Promise<boolean> {
  try {
    const response = await fetch(`http://${HOST}/v2/`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function ensureInstalled(): void {
  const missing = ["docker-registry", "skopeo"].filter(
    (p) => spawnSync("dpkg", ["-s", p], { stdio: "ignore" }).status !== 0,
  );
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(`install ${missing.join(" ")} (apt-get install ${missing.join(" ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let result = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  if (result.status !== 0) {
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    result = spawnSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  }
  if (result.status !== 0) throw new Error(`apt-get install ${missing.join(" ")} failed`);
}

export async function setup(): Promise<() => Promise<void>> {
  process.env.SFN_TEST_REGISTRY = HOST;
  process.env.SFN_TEST_REGISTRY_STORAGE = `${ROOT}/storage`;
  if (await up()) return async () => {};
  ensureInstalled();
  mkdirSync(`${ROOT}/storage`, { recursive: true });
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${ROOT}/storage
  delete:
    enabled: true
http:
  addr: ${HOST}
`;
  writeFileSync(`${ROOT}/config.yml`, config);
  const binary = existsSync("/usr/bin/docker-registry") ? "/usr/bin/docker-registry" : "docker-registry";
  const child: ChildProcess = spawn(binary, ["serve", `${ROOT}/config.yml`], {
    stdio: "ignore",
    detached: true,
  });
  child.unref();
  const until = Date.now() + 20_000;
  while (!(await up())) {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`docker-registry did not start on ${HOST}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return async () => {
    if (child.pid !== undefined && child.exitCode === null) child.kill("SIGTERM");
  };
}

export default setup;

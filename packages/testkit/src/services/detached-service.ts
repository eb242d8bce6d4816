import { spawn } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import type { ProbeResult } from "../probes.js";
import { isAlive, sleep, tailFile, terminate } from "../system.js";

export interface DetachedServiceSpec {
  /** Name used in error messages ("mosquitto", "the OIDC issuer"). */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Log file the service's stdout and stderr are appended to. */
  log: string;
  pidFile: string;
  /** URL the readiness probe checks, for messages. */
  url: string;
  /** Protocol-level readiness check. */
  probe: () => Promise<ProbeResult>;
  readyTimeoutMs: number;
}

/**
 * Starts a service in its own session (so a Ctrl-C of the test run does not stop it), records its pid,
 * and waits until the protocol-level probe answers. On failure the process is stopped and the error
 * carries the tail of its log.
 */
export async function startDetachedService(spec: DetachedServiceSpec): Promise<number> {
  // The log is an inherited descriptor, so it stays writable after a service drops privileges.
  const fd = openSync(spec.log, "a");
  let pid: number;
  try {
    const child = spawn(spec.command, [...spec.args], {
      detached: true,
      stdio: ["ignore", fd, fd],
      cwd: spec.cwd,
      ...(spec.env ? { env: spec.env } : {}),
    });
    pid = await new Promise<number>((resolvePromise, reject) => {
      child.once("error", reject);
      child.once("spawn", () => resolvePromise(child.pid!));
    });
    child.unref();
  } finally {
    closeSync(fd);
  }
  writeFileSync(spec.pidFile, `${pid}\n`);

  const deadline = Date.now() + spec.readyTimeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    const probe = await spec.probe();
    if (probe.ok) return pid;
    last = probe.error;
    await sleep(50);
  }
  const alive = isAlive(pid);
  if (alive) await terminate(pid, 2000);
  throw new Error(
    `${spec.name} did not come up on ${spec.url} (${alive ? `still not answering: ${last}` : "process exited"}).\n` +
      `--- tail of ${spec.log} ---\n${await tailFile(spec.log)}`,
  );
}

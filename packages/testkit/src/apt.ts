import { spawnSync } from "node:child_process";
import { isRoot, type RunResult, run, tailText, which } from "./system.js";

/** Runs `apt-get <args>` (with whatever privilege prefix applies) and collects its output. */
export type AptRunner = (args: readonly string[]) => Promise<RunResult>;

/**
 * dpkg and apt take exclusive locks. Wait for a lock held by someone else (unattended-upgrades, a
 * parallel CI step) instead of failing at once; apt-get has understood this option since 1.9.11.
 */
const LOCK_WAIT = ["-o", "DPkg::Lock::Timeout=600"];

export type AptInstaller = (packages: readonly string[], log: (line: string) => void) => Promise<void>;

/**
 * An installer on top of `runApt`: `apt-get install`, and when that fails (a fresh machine has no
 * package lists yet, or stale ones that point at removed files) `apt-get update` once and the install
 * again. Calls are serialised: the fixture starts Mosquitto and PostgreSQL in parallel, and two
 * apt-get processes at once would fail on the dpkg lock.
 */
export function createAptInstaller(runApt: AptRunner): AptInstaller {
  let queue: Promise<unknown> = Promise.resolve();
  let listsRefreshed = false;
  const installNow = async (packages: readonly string[], log: (line: string) => void): Promise<void> => {
    const install = () => runApt([...LOCK_WAIT, "install", "-y", "--no-install-recommends", ...packages]);
    log(`installing ${packages.join(", ")} with apt-get (one-time)`);
    let result = await install();
    if (result.code !== 0 && !listsRefreshed) {
      log("apt-get install failed; running apt-get update and retrying");
      listsRefreshed = true;
      const update = await runApt([...LOCK_WAIT, "update"]);
      if (update.code !== 0) log(`apt-get update failed (exit ${update.code}); retrying the install anyway`);
      result = await install();
    }
    if (result.code !== 0) {
      throw new Error(
        `apt-get install -y ${packages.join(" ")} failed (exit ${result.code}):\n${tailText(result.stdout + result.stderr, 20)}`,
      );
    }
  };
  return (packages, log) => {
    const next = queue.then(() => installNow(packages, log));
    queue = next.catch(() => {});
    return next;
  };
}

let machineInstaller: AptInstaller | undefined;

/**
 * Installs Debian packages with the machine's apt-get: directly as root, through `sudo -n` otherwise,
 * else fails with the command to run by hand.
 */
export function aptInstall(packages: readonly string[], log: (line: string) => void): Promise<void> {
  const apt = which("apt-get");
  const manual = `apt-get install -y ${packages.join(" ")}`;
  if (!apt) {
    return Promise.reject(
      new Error(`${packages.join(", ")} is not installed and apt-get is not available; install it by hand`),
    );
  }
  let prefix: string[] = [];
  if (!isRoot()) {
    const sudo = which("sudo");
    if (!sudo || spawnSync(sudo, ["-n", "true"], { stdio: "ignore" }).status !== 0) {
      return Promise.reject(
        new Error(
          `${packages.join(", ")} is not installed and this user cannot install it (not root, no passwordless sudo). Run: sudo ${manual}`,
        ),
      );
    }
    prefix = [sudo, "-n"];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  machineInstaller ??= createAptInstaller((args) => {
    const [command, ...rest] = [...prefix, apt, ...args];
    return run(command!, rest, { env, timeoutMs: 15 * 60_000 });
  });
  return machineInstaller(packages, log);
}

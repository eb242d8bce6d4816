import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";

export const isRoot = (): boolean => typeof process.getuid === "function" && process.getuid() === 0;

/** Finds an executable on PATH (plus the sbin directories, which a non-login root PATH may lack). */
export function which(command: string, extraDirs: readonly string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...extraDirs, "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `uid`/`gid` of a local system user from /etc/passwd, or undefined when it does not exist. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const f = line.split(":");
      if (f[0] === name && f[2] && f[3]) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    // no /etc/passwd
  }
  return undefined;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and collects its output. Resolves on `exit` (not `close`), so a
 * daemon that the command leaves behind holding inherited pipes cannot block us.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; detached?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: options.detached ?? false,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.on("error", (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on("exit", (code) => {
      if (timer) clearTimeout(timer);
      // Give the pipes a moment to flush what was already written, without waiting for EOF.
      setImmediate(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolvePromise({ code, stdout, stderr });
      });
    });
  });
}

/** Wraps a command so it runs as `user` when we are root (`runuser -u user --`), else unchanged. */
export function asUser(
  user: string | undefined,
  command: string,
  args: readonly string[],
): [string, string[]] {
  if (user && isRoot()) {
    const runuser = which("runuser");
    if (!runuser) throw new Error("runuser (util-linux) is required to run services as an unprivileged user");
    return [runuser, ["-u", user, "--", command, ...args]];
  }
  return [command, [...args]];
}

/** True when `user` can write to (and so traverse to) `dir`. Always true when not root. */
export function userCanWrite(user: string, dir: string): boolean {
  if (!isRoot()) return true;
  const runuser = which("runuser");
  if (!runuser) return false;
  return spawnSync(runuser, ["-u", user, "--", "test", "-w", dir], { stdio: "ignore" }).status === 0;
}

/** Whether a process with this pid exists (signal 0 probe). */
export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether `pid` is alive AND its command line contains `needle` (Linux: /proc/<pid>/cmdline). Guards
 * against signalling an unrelated process that inherited a recycled pid from a stale pid file.
 */
export function isOurProcess(pid: number | undefined, needle: string): pid is number {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return cmdline.includes(needle);
  } catch {
    return process.platform !== "linux";
  }
}

export function readPidFile(path: string): number | undefined {
  try {
    const first = readFileSync(path, "utf8").split("\n")[0]?.trim();
    const pid = Number(first);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends SIGTERM, waits up to `graceMs` for the process to exit, then SIGKILLs it. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export function tailText(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** The last `lines` lines of a log file (reads at most the last 64 KiB). */
export async function tailFile(path: string, lines = 30): Promise<string> {
  if (!existsSync(path)) return `(no log file at ${path})`;
  const size = statSync(path).size;
  const start = Math.max(0, size - 65536);
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return tailText(buf.toString("utf8"), lines) || "(log is empty)";
  } finally {
    await fh.close();
  }
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

interface Command {
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
}

/** conformance/runtimes/node.json, the launch description the conformance runner follows. */
export interface LaunchFile {
  status: string;
  build: Command[];
  launch: Command & {
    readiness: { url: string; timeoutMs: number; intervalMs?: number };
    shutdown: { signal: NodeJS.Signals; graceMs: number };
  };
  profiles?: Record<string, Record<string, string>>;
}

export function readLaunchFile(): LaunchFile {
  return JSON.parse(readFileSync(join(REPO, "conformance/runtimes/node.json"), "utf8")) as LaunchFile;
}

/** `${VAR}` → its value; an unknown variable is an error, as in the runner. */
export function substitute(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`launch file names unknown variable ${name}`);
    return value;
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RunningService {
  child: ChildProcess;
  readinessUrl: string;
  output: string[];
  exited: Promise<number | null>;
  /** Sends the launch file's shutdown signal (or `signal`) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Launches the conformance service exactly as the launch file says (command, args, cwd, env with the
 * fixture and run variables substituted; `extraEnv` on top, e.g. a profile), and waits for readiness.
 */
export async function launchService(
  vars: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<RunningService> {
  const { launch } = readLaunchFile();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(launch.env ?? {})) env[key] = substitute(value, vars);
  const child = spawn(
    launch.command,
    (launch.args ?? []).map((a) => substitute(a, vars)),
    {
      cwd: join(REPO, launch.cwd ?? "."),
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const readinessUrl = substitute(launch.readiness.url, vars);
  const deadline = Date.now() + launch.readiness.timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    if (exitCode !== undefined) throw new Error(`service exited with ${exitCode}: ${output.join("")}`);
    try {
      const response = await fetch(readinessUrl);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`service not ready within ${launch.readiness.timeoutMs} ms: ${output.join("")}`);
    }
    await new Promise((r) => setTimeout(r, launch.readiness.intervalMs ?? 100));
  }
  return {
    child,
    readinessUrl,
    output,
    exited,
    async stop(signal = launch.shutdown.signal) {
      if (exitCode === undefined) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), launch.shutdown.graceMs + 10_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

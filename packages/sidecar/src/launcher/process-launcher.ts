import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Launcher } from "./launcher.js";
import { freePort } from "./free-port.js";

const require = createRequire(import.meta.url);

/** The `sfn-runtime` entry script of the installed @sfn/runtime (the Node base runtime). */
export function runtimeEntrypoint(): string {
  const manifestPath = require.resolve("@sfn/runtime/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin["sfn-runtime"]!);
}

export interface ProcessLauncherOptions {
  /** The command that serves an application directory; default: node + sfn-runtime's entry, `start`. */
  command?: (appDir: string) => { file: string; args: string[] };
  /** Environment of the function (SFN_MQTT_URL, SFN_DATABASE_URL, …); SFN_HTTP_PORT is set here. */
  env?: Record<string, string | undefined>;
  /** The function's HTTP port (/readyz); default: a free port picked at each start. */
  httpPort?: number;
  /** SIGTERM, then SIGKILL after this long; default 10 s. */
  stopGraceMs?: number;
  /** Each line the function prints. */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/**
 * The `process` driver: the function is a child process of the sidecar (`sfn dev`, tests, bare-metal
 * installs). A restart is SIGTERM (the host drains in-flight calls and leaves its MQTT session for the
 * next process), then a new process on the new application directory.
 */
export class ProcessLauncher implements Launcher {
  readonly kind = "process" as const;
  readonly #options: ProcessLauncherOptions;
  #child: ChildProcess | undefined;
  #exit: Promise<void> | undefined;
  #exitText: string | undefined;
  #port = 0;

  constructor(options: ProcessLauncherOptions = {}) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  readyUrl(): string {
    return `http://127.0.0.1:${this.#port}/readyz`;
  }

  exited(): string | undefined {
    return this.#exitText;
  }

  async restart(appDir: string): Promise<void> {
    await this.stop();
    this.#port = this.#options.httpPort ?? (await freePort());
    const { file, args } = this.#options.command?.(appDir) ?? {
      file: process.execPath,
      args: [runtimeEntrypoint(), "start", appDir],
    };
    const child = spawn(file, args, {
      cwd: appDir,
      env: { ...process.env, NODE_OPTIONS: "", ...this.#options.env, SFN_HTTP_PORT: String(this.#port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.#exitText = undefined;
    const tail: string[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream]?.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (line === "") continue;
          tail.push(line);
          if (tail.length > 40) tail.shift();
          this.#options.onOutput?.(line, stream);
        }
      });
    }
    this.#exit = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exitText = `exit code ${code ?? "none"}${signal ? `, signal ${signal}` : ""}: ${tail.filter((l) => !/^\s+at /.test(l)).slice(-5).join(" | ")}`;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
      child.once("error", (error) => {
        this.#exitText = `could not start: ${error.message}`;
        if (this.#child === child) this.#child = undefined;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    const exit = this.#exit;
    if (child === undefined || exit === undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), this.#options.stopGraceMs ?? 10_000);
    await exit;
    clearTimeout(timer);
    this.#child = undefined;
  }

  /** Ends the function at once, without draining (what a crashing pod does). */
  kill(): void {
    this.#child?.kill("SIGKILL");
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { SystemError } from "@sfn/contracts";

const require = createRequire(import.meta.url);

/** One line the function process logged: its pino JSON when it parses, else the raw text. */
export interface ServiceLogLine {
  stream: "stdout" | "stderr";
  text: string;
  json?: { level?: number; msg?: string; [key: string]: unknown };
}

export interface ServiceProcessOptions {
  serviceDir: string;
  env: Record<string, string>;
  onLog?: (line: ServiceLogLine) => void;
  /** How long the process may take to get ready; default 60 s (PGlite's first start migrates). */
  readyTimeoutMs?: number;
  /**
   * Another runtime than Node's (a Python service): the command, run in the service directory, and its
   * health port, whose `/readyz` answering 200 means ready. Default: `sfn-runtime start <dir>` under
   * tsx, ready when it logs "service ready".
   */
  runtime?: { file: string; args: string[]; httpPort: number };
}

/** `sfn-runtime`'s entry script, from @sfn/runtime's package.json. */
function runtimeCli(): string {
  const manifestPath = require.resolve("@sfn/runtime/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin["sfn-runtime"]!);
}

/** Polls `/readyz` on the port until it answers 200 (true) or `running()` turns false. */
async function pollReady(port: number, running: () => boolean): Promise<boolean> {
  while (running()) {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, {
      signal: AbortSignal.timeout(1000),
    }).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * The function as its own process (`sfn-runtime start <dir>` under tsx, so TypeScript entries run as
 * they are): a reload is a full restart, as in production where the sidecar restarts the function with
 * a new application layer. The process is ready when the host logs "service ready".
 */
export class ServiceProcess {
  readonly #options: ServiceProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  constructor(options: ServiceProcessOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error("the service process is already running");
    const runtime = this.#options.runtime;
    const [file, args] = runtime
      ? [runtime.file, runtime.args]
      : [
          process.execPath,
          [
            "--import",
            pathToFileURL(require.resolve("tsx")).href,
            runtimeCli(),
            "start",
            this.#options.serviceDir,
          ],
        ];
    const child = spawn(file, args, {
      cwd: this.#options.serviceDir,
      env: {
        ...process.env,
        NODE_OPTIONS: "",
        ...this.#options.env,
        ...(runtime ? { SFN_HTTP_PORT: String(runtime.httpPort) } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.#exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    const recent: string[] = [];
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    for (const stream of ["stdout", "stderr"] as const) {
      createInterface({ input: child[stream]! }).on("line", (text) => {
        recent.push(text);
        if (recent.length > 20) recent.shift();
        const line: ServiceLogLine = { stream, text };
        try {
          const json = JSON.parse(text) as ServiceLogLine["json"];
          if (json && typeof json === "object") line.json = json;
        } catch {
          // not JSON: a stack trace or a message from node itself
        }
        if (line.json?.msg === "service ready") markReady();
        this.#options.onLog?.(line);
      });
    }
    if (runtime)
      void pollReady(runtime.httpPort, () => this.#child === child).then((ok) => ok && markReady());
    const timeoutMs = this.#options.readyTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ready,
        this.#exited.then(() => {
          throw new SystemError(
            `the service process exited before it was ready (exit code ${child.exitCode}):\n${recent.join("\n")}`,
            { code: "SFN_DEV_SERVICE_EXITED" },
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new SystemError(
                  `the service process was not ready within ${timeoutMs} ms:\n${recent.join("\n")}`,
                  {
                    code: "SFN_DEV_SERVICE_TIMEOUT",
                  },
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM (the host drains in-flight calls), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, graceMs);
      }),
    ]);
    clearTimeout(timer);
    await exited;
  }
}

import { type ChildProcess, spawn } from "node:child_process";

/** One function process: spawned, watched, stopped (SIGTERM, then SIGKILL after a grace period). */
export class FunctionProcess {
  readonly port: number;
  /** The directory it serves (its working directory). */
  readonly appDir: string;
  readonly #child: ChildProcess;
  readonly #exit: Promise<void>;
  #exitText: string | undefined;

  constructor(
    file: string,
    args: string[],
    options: {
      cwd: string;
      env: Record<string, string | undefined>;
      port: number;
      onOutput?: (line: string, stream: "stdout" | "stderr") => void;
    },
  ) {
    this.port = options.port;
    this.appDir = options.cwd;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    const tail: string[] = [];
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream]?.setEncoding("utf8").on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (line === "") continue;
          tail.push(line);
          if (tail.length > 40) tail.shift();
          options.onOutput?.(line, stream);
        }
      });
    }
    const lastLines = () =>
      tail
        .filter((l) => !/^\s+at /.test(l))
        .slice(-5)
        .join(" | ");
    this.#exit = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        this.#exitText = `exit code ${code ?? "none"}${signal ? `, signal ${signal}` : ""}: ${lastLines()}`;
        resolve();
      });
      child.once("error", (error) => {
        this.#exitText = `could not start: ${error.message}`;
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** How the process ended, or undefined while it runs. */
  exited(): string | undefined {
    return this.#exitText;
  }

  /** Resolves when the process has ended (or could not start). */
  whenExited(): Promise<void> {
    return this.#exit;
  }

  #paused = false;

  /** Freezes the process (SIGSTOP): it keeps its connections open but handles and acknowledges nothing. */
  pause(): void {
    if (this.#exitText === undefined && this.#child.kill("SIGSTOP")) this.#paused = true;
  }

  resume(): void {
    if (this.#paused && this.#exitText === undefined) this.#child.kill("SIGCONT");
    this.#paused = false;
  }

  /** SIGTERM (drain), then SIGKILL after `graceMs`; a paused process or `graceMs` 0: SIGKILL at once. */
  async stop(graceMs: number): Promise<void> {
    if (this.#exitText !== undefined) return;
    this.#child.kill(graceMs === 0 || this.#paused ? "SIGKILL" : "SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), graceMs);
    await this.#exit;
    clearTimeout(timer);
  }

  kill(): void {
    this.#child.kill("SIGKILL");
  }
}

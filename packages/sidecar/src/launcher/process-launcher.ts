import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "./free-port.js";
import { FunctionProcess } from "./function-process.js";
import type { Launcher } from "./launcher.js";

/** What a launcher tells about one of its function processes. */
export type RunningFunction = Pick<FunctionProcess, "appDir" | "port" | "pid" | "exited" | "whenExited">;

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
  /**
   * Keep the old process until the new one is ready (default true): the old one is frozen (SIGSTOP),
   * the new one starts under the same replica id — so the same MQTT client ids — and takes the
   * persistent sessions over (the broker moves the subscription and every unacknowledged message to
   * it); once it is ready the old one is killed. No call falls into a gap without a subscriber and none
   * is stranded in a session nobody resumes; calls the old process had in hand are redelivered (at least
   * once; the runtime's dedup makes their effects exactly once). A frozen process cannot reconnect and
   * steal the sessions back. A new version that never becomes ready is killed and the old one resumes.
   * Needs a free port per process (off when `httpPort` is fixed); the kubernetes supervisor keeps the
   * pod's one fixed port in front of them (function-front.ts).
   */
  overlap?: boolean;
  /** Each line the function prints. */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

/**
 * The `process` driver: the function is a child process of the sidecar (`sfn dev`, tests, bare-metal
 * installs). Every version runs in a new process (the design document's full restart: nothing of the
 * previous version survives); the previous process gets SIGTERM (the host drains in-flight calls).
 */
export class ProcessLauncher implements Launcher {
  readonly kind = "process" as const;
  readonly #options: ProcessLauncherOptions;
  #current: FunctionProcess | undefined;
  #previous: FunctionProcess | undefined;
  /** A process started by `restart` is current and neither confirmed nor reverted yet. */
  #unconfirmed = false;

  constructor(options: ProcessLauncherOptions = {}) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#current?.pid;
  }

  get #overlap(): boolean {
    return (this.#options.overlap ?? true) && this.#options.httpPort === undefined;
  }

  get #graceMs(): number {
    return this.#options.stopGraceMs ?? 10_000;
  }

  readyUrl(): string {
    return `http://127.0.0.1:${this.#current?.port ?? 0}/readyz`;
  }

  exited(): string | undefined {
    return this.#current === undefined ? "not running" : this.#current.exited();
  }

  /** The process started last (serving, or starting while `previous` is kept frozen). */
  get current(): RunningFunction | undefined {
    return this.#current;
  }

  /** The process kept frozen while `current` starts (overlap), until `confirm` or `revert`. */
  get previous(): RunningFunction | undefined {
    return this.#previous;
  }

  async restart(appDir: string): Promise<void> {
    // Resolved first: a layer it cannot start (a ValidationError) leaves the running process serving,
    // neither frozen nor stopped, and `revert` then has nothing to undo.
    const { file, args } = this.#options.command?.(appDir) ?? {
      file: process.execPath,
      args: [runtimeEntrypoint(), "start", appDir],
    };
    if (this.#previous !== undefined && this.#previous.exited() === undefined) {
      // A restart before the last one was confirmed: the frozen, proven process stays the fallback and
      // the unconfirmed one goes (SIGKILL, as in confirm: it holds the sessions the next one takes over).
      await this.#current?.stop(0);
    } else {
      await this.#previous?.stop(this.#graceMs);
      this.#previous = undefined;
      if (this.#overlap && this.#current?.exited() === undefined) {
        this.#previous = this.#current;
        this.#previous?.pause();
      } else await this.#current?.stop(this.#graceMs);
    }
    const port = this.#options.httpPort ?? (await freePort());
    const env: Record<string, string | undefined> = {
      // As the Node base image sets it (runtimes/node/Dockerfile): less idle memory per function.
      MALLOC_ARENA_MAX: "2",
      ...process.env,
      NODE_OPTIONS: "",
      ...this.#options.env,
    };
    env.SFN_REPLICA_ID = env.SFN_REPLICA_ID || hostname();
    env.SFN_HTTP_PORT = String(port);
    this.#current = new FunctionProcess(file, args, {
      cwd: appDir,
      env,
      port,
      ...(this.#options.onOutput ? { onOutput: this.#options.onOutput } : {}),
    });
    this.#unconfirmed = true;
  }

  async confirm(): Promise<void> {
    this.#unconfirmed = false;
    const previous = this.#previous;
    this.#previous = undefined;
    // Its sessions belong to the new process now; a graceful stop would unsubscribe them.
    await previous?.stop(0);
  }

  async revert(): Promise<boolean> {
    if (!this.#unconfirmed) return this.#current !== undefined && this.#current.exited() === undefined;
    this.#unconfirmed = false;
    // With a frozen previous process, the failed one holds the sessions the previous one takes back: a
    // graceful stop would unsubscribe them (as in confirm), so it is killed.
    await this.#current?.stop(this.#previous === undefined ? this.#graceMs : 0);
    this.#current = this.#previous;
    this.#previous = undefined;
    this.#current?.resume();
    return this.#current !== undefined && this.#current.exited() === undefined;
  }

  async stop(): Promise<void> {
    this.#unconfirmed = false;
    await Promise.all([this.#previous?.stop(0), this.#current?.stop(this.#graceMs)]);
    this.#previous = undefined;
    this.#current = undefined;
  }

  /** Ends the function at once, without draining (what a crashing pod does). */
  kill(): void {
    this.#previous?.kill();
    this.#current?.kill();
  }
}

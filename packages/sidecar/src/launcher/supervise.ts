import { existsSync, realpathSync } from "node:fs";
import { type FunctionFront, startFunctionFront } from "./function-front.js";
import { ProcessLauncher, type ProcessLauncherOptions, type RunningFunction } from "./process-launcher.js";

export interface SuperviseOptions extends Omit<ProcessLauncherOptions, "httpPort" | "overlap"> {
  /** The pod's fixed function port (SFN_HTTP_PORT): `/healthz`, `/readyz`, `/metrics` of the current process. */
  httpPort: number;
  /** Interface of the fixed port; default 0.0.0.0. */
  host?: string;
  /** How often a starting process's `/readyz` is polled; default 50 ms. */
  readyPollMs?: number;
  /** The supervisor's own messages; default: stderr. */
  log?: (message: string) => void;
}

async function isReady(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * The main container's process for the kubernetes driver. It runs the function the application link
 * points to with the `process` driver's freeze-and-overlap restart (ProcessLauncher, `overlap`): each
 * process gets a private HTTP port and the pod's fixed port is served here (function-front.ts),
 * forwarding to the current process. Signals, each handled in order:
 *
 * - SIGHUP: converge on the link — nothing when its target already runs (or is starting); back to the
 *   frozen previous process when the link points to it again; else a restart: the running process is
 *   frozen and the new one takes its MQTT sessions over; once its `/readyz` answers 200 the old one is
 *   killed; if it exits before that, the old one resumes.
 * - SIGWINCH: abandon a restart not yet ready (the sidecar's deadline passed): kill the new process,
 *   resume the old one.
 * - SIGUSR2: stop the function (monitoring mode). SIGTERM: stop it and exit.
 *
 * A process that crashes while serving is restarted from the link after a back-off (0.5 s, doubling
 * to 30 s, reset once a process is ready).
 */
export class Supervisor {
  readonly #link: string;
  readonly #options: SuperviseOptions;
  readonly #launcher: ProcessLauncher;
  #front: FunctionFront | undefined;
  #queue = Promise.resolve();
  /** +1 at every start, revert and stop: watchers of an older generation stand down. */
  #generation = 0;
  #crashes = 0;

  constructor(appLink: string, options: SuperviseOptions) {
    this.#link = appLink;
    this.#options = options;
    const { httpPort: _port, host: _host, readyPollMs: _poll, log: _log, ...launcherOptions } = options;
    this.#launcher = new ProcessLauncher({ ...launcherOptions, overlap: true });
  }

  get port(): number | undefined {
    return this.#front?.port;
  }

  /** The process started last: serving, or taking over while `previous` is kept frozen. */
  get current(): RunningFunction | undefined {
    return this.#launcher.current;
  }

  /** The frozen process kept while `current` starts, until it is ready or the restart is abandoned. */
  get previous(): RunningFunction | undefined {
    return this.#launcher.previous;
  }

  async start(): Promise<void> {
    this.#front = await startFunctionFront({
      port: this.#options.httpPort,
      ...(this.#options.host ? { host: this.#options.host } : {}),
      target: () => this.#launcher.current?.port,
      notReady: () => this.#notReady(),
    });
    this.enqueue("start", () => this.converge());
  }

  /** Runs `work` after everything enqueued before it; a failure is logged, the next work still runs. */
  enqueue(what: string, work: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(work).catch((error: unknown) => this.#log(`${what}: ${String(error)}`));
    return this.#queue;
  }

  #log(message: string): void {
    (this.#options.log ?? ((m) => process.stderr.write(`sfn-supervise: ${m}\n`)))(message);
  }

  #target(): string | undefined {
    return existsSync(this.#link) ? realpathSync(this.#link) : undefined;
  }

  /**
   * After a failed restart (the new process exited before it was ready, or SIGWINCH) the previous
   * process serves calls again, but the link points to the new version: the sidecar, polling `/readyz`
   * until its deadline, must not take the old process's 200 for the new version being ready.
   */
  #notReady(): string | undefined {
    const current = this.#launcher.current;
    const target = this.#target();
    return current !== undefined && current.appDir !== target
      ? `${current.appDir} serves; the link points to ${target ?? "nothing"}`
      : undefined;
  }

  /** SIGHUP: make the running function the one the link points to. */
  async converge(): Promise<void> {
    const target = this.#target();
    if (target === undefined) return this.stop();
    const { current, previous } = this.#launcher;
    if (current?.appDir === target && current.exited() === undefined) return;
    if (previous?.appDir === target && previous.exited() === undefined) return this.revert();
    // The current process is ready but its readiness was not seen yet: it is the fallback now.
    if (
      previous !== undefined &&
      current !== undefined &&
      current.exited() === undefined &&
      (await isReady(current.port))
    )
      await this.#launcher.confirm();
    const generation = ++this.#generation;
    await this.#launcher.restart(target);
    this.#watch(generation, this.#launcher.current!);
  }

  /** SIGWINCH: the pending restart failed; the frozen previous process (if any) serves again. */
  async revert(): Promise<void> {
    if (!this.#hasFallback()) return;
    const generation = ++this.#generation;
    await this.#launcher.revert();
    this.#log(`restart abandoned; ${this.#launcher.current?.appDir ?? "nothing"} serves`);
    if (this.#launcher.current) this.#watch(generation, this.#launcher.current);
  }

  /** A frozen previous process is kept (a restart is pending). */
  #hasFallback(): boolean {
    const previous = this.#launcher.previous;
    return previous !== undefined && previous.exited() === undefined;
  }

  async stop(): Promise<void> {
    ++this.#generation;
    await this.#launcher.stop();
  }

  async close(): Promise<void> {
    await this.enqueue("stop", () => this.stop());
    await this.#front?.close();
  }

  #watch(generation: number, proc: RunningFunction): void {
    void this.#confirmWhenReady(generation, proc);
    void proc.whenExited().then(() =>
      this.enqueue("exit", async () => {
        if (generation !== this.#generation) return; // replaced, reverted or stopped on purpose
        this.#log(`function ${proc.appDir} ended (${proc.exited()})`);
        if (this.#hasFallback()) {
          await this.revert();
          return;
        }
        const delay = Math.min(30_000, 500 * 2 ** this.#crashes++);
        setTimeout(
          () =>
            void this.enqueue("restart", async () =>
              generation === this.#generation ? this.converge() : undefined,
            ),
          delay,
        ).unref();
      }),
    );
  }

  async #confirmWhenReady(generation: number, proc: RunningFunction): Promise<void> {
    const poll = this.#options.readyPollMs ?? 50;
    while (generation === this.#generation && proc.exited() === undefined) {
      if (await isReady(proc.port)) {
        await this.enqueue("confirm", async () => {
          if (generation !== this.#generation) return;
          this.#crashes = 0;
          await this.#launcher.confirm();
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, poll));
    }
  }
}

/**
 * `sfn-sidecar supervise <app-link>` (found by the kubernetes driver by that command line): supervises
 * until SIGTERM, see Supervisor.
 */
export async function supervise(appLink: string, options: SuperviseOptions): Promise<void> {
  const supervisor = new Supervisor(appLink, options);
  process.on("SIGHUP", () => void supervisor.enqueue("SIGHUP", () => supervisor.converge()));
  process.on("SIGWINCH", () => void supervisor.enqueue("SIGWINCH", () => supervisor.revert()));
  process.on("SIGUSR2", () => void supervisor.enqueue("SIGUSR2", () => supervisor.stop()));
  const terminated = new Promise<void>((resolve) => process.once("SIGTERM", () => resolve()));
  await supervisor.start();
  await terminated;
  await supervisor.close();
}

import { readdir, readFile } from "node:fs/promises";
import { SystemError } from "@sfn/contracts";
import type { Launcher } from "./launcher.js";

export interface KubernetesLauncherOptions {
  /** The supervisor's fixed HTTP port (/readyz of the current function), on localhost inside the pod. */
  httpPort: number;
  /**
   * How the supervisor's command line (/proc/<pid>/cmdline, its arguments) is recognised; default: the
   * Node base image's `sfn-sidecar supervise <link>` (an argument naming `sidecar`, then `supervise`) or
   * the Python base image's `python -m sfn_runtime.supervise <link>`.
   */
  isSupervisor?: (args: string[]) => boolean;
  /** /proc; a test may point elsewhere. */
  procDir?: string;
  /** How long to wait for the supervisor to show up (main container starting); default 30 s. */
  findTimeoutMs?: number;
}

/**
 * The main container's supervisor, by its arguments: `… sfn-sidecar supervise <link>` (Node base image,
 * any path that names the sidecar before `supervise`) or `python -m sfn_runtime.supervise <link>`
 * (Python base image).
 */
export function isSupervisorCommand(args: string[]): boolean {
  const supervise = args.indexOf("supervise");
  if (supervise > 0 && args.slice(0, supervise).some((arg) => arg.includes("sidecar"))) return true;
  const module = args.indexOf("sfn_runtime.supervise");
  return module > 0 && args[module - 1] === "-m";
}

/**
 * The `kubernetes` driver: the pod shares its process namespace (`shareProcessNamespace: true`), so the
 * sidecar sees the main container's supervisor (`sfn-sidecar supervise`, see supervise.ts) and signals
 * it: SIGHUP restarts the function from the application directory the sidecar just switched — with the
 * `process` driver's freeze-and-overlap, so no call is lost — SIGWINCH abandons a restart that did not
 * get ready (the old process resumes), SIGUSR2 stops it. Readiness is the supervisor's fixed port, which
 * forwards to the process taking over; the supervisor itself kills the old process once the new one is
 * ready. Signalling a supervisor instead of killing the container avoids the kubelet's restart backoff
 * (10 s, 20 s, 40 s, …) that would make every redeploy slow.
 */
export class KubernetesLauncher implements Launcher {
  readonly kind = "kubernetes" as const;
  readonly #options: KubernetesLauncherOptions;

  constructor(options: KubernetesLauncherOptions) {
    this.#options = options;
  }

  readyUrl(): string {
    return `http://127.0.0.1:${this.#options.httpPort}/readyz`;
  }

  exited(): string | undefined {
    return undefined; // the supervisor restarts a crashed function (with back-off); the readiness deadline decides
  }

  /** The pid of the supervisor (not ours), scanning /proc. */
  async findSupervisor(): Promise<number | undefined> {
    const proc = this.#options.procDir ?? "/proc";
    const isSupervisor = this.#options.isSupervisor ?? isSupervisorCommand;
    for (const entry of await readdir(proc)) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      const cmdline = await readFile(`${proc}/${entry}/cmdline`, "utf8").catch(() => "");
      if (!isSupervisor(cmdline.split("\0"))) continue;
      // Only once it handles SIGHUP (bit 0 of SigCgt): signalled while still loading, it would die.
      const status = await readFile(`${proc}/${entry}/status`, "utf8").catch(() => "");
      const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(status)?.[1];
      if (caught !== undefined && (BigInt(`0x${caught}`) & 1n) === 1n) return Number(entry);
    }
    return undefined;
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const deadline = Date.now() + (this.#options.findTimeoutMs ?? 30_000);
    for (;;) {
      const pid = await this.findSupervisor();
      if (pid !== undefined) {
        process.kill(pid, signal);
        return;
      }
      if (Date.now() > deadline)
        throw new SystemError("the main container's supervisor is not running (shareProcessNamespace off?)", {
          code: "SFN_SUPERVISOR_NOT_FOUND",
          retryable: true,
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async restart(_appDir: string): Promise<void> {
    await this.#signal("SIGHUP");
  }

  /** Nothing to do: the supervisor kills the old process itself once the new one is ready. */
  async confirm(): Promise<void> {}

  /**
   * The supervisor kills the new process and resumes the old one, if it kept one. Answers false (the
   * sidecar cannot see which): the rollback that follows signals SIGHUP for the old directory, which the
   * supervisor finds already running — or starts, if it had none.
   */
  async revert(): Promise<boolean> {
    await this.#signal("SIGWINCH");
    return false;
  }

  async stop(): Promise<void> {
    await this.#signal("SIGUSR2");
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import type { CommandSpec, RuntimeSpec } from "../model.js";

export type Variables = Readonly<Record<string, string>>;

/** `${NAME}` in launch strings (README, "Add a language": fixture and run variables). */
export function expandVars(text: string, vars: Variables): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** The environment of a child: this process's, minus SFN_* (the shared fixture's), plus the spec's. */
function childEnv(spec: CommandSpec, vars: Variables, extra: Variables): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("SFN_")) env[k] = v;
  for (const [k, v] of Object.entries(spec.env ?? {})) env[k] = expandVars(v, vars);
  for (const [k, v] of Object.entries(extra)) env[k] = expandVars(v, vars);
  return env;
}

/** Runs the runtime's build commands, in order; rejects with the output's tail when one fails. */
export async function buildRuntime(spec: RuntimeSpec, repoRoot: string, vars: Variables): Promise<void> {
  for (const command of spec.build) {
    const child = spawn(
      expandVars(command.command, vars),
      (command.args ?? []).map((a) => expandVars(a, vars)),
      {
        cwd: resolve(repoRoot, command.cwd ?? "."),
        env: childEnv(command, vars, {}),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const tail = new OutputTail();
    child.stdout.on("data", (d: Buffer) => tail.add(d));
    child.stderr.on("data", (d: Buffer) => tail.add(d));
    const code = await new Promise<number>((done) => {
      child.once("error", () => done(127));
      child.once("exit", (c) => done(c ?? 1));
    });
    if (code !== 0) {
      throw new Error(
        `build of ${spec.language} failed (${command.command} ${(command.args ?? []).join(" ")}: exit ${code})\n${tail.text()}`,
      );
    }
  }
}

/** The last lines a process printed, for error messages. */
export class OutputTail {
  #lines: string[] = [];
  add(chunk: Buffer | string): void {
    this.#lines.push(
      ...String(chunk)
        .split("\n")
        .filter((l) => l.trim() !== ""),
    );
    if (this.#lines.length > 60) this.#lines = this.#lines.slice(-60);
  }
  text(lines = 20): string {
    return this.#lines.slice(-lines).join("\n");
  }
}

/**
 * One launched conformance service. `launch` starts it and waits for readiness; `kill` stops it (kill
 * -9 or the shutdown signal) and remembers the exit code; `launch` again restarts it with the same
 * variables, hence the same replica id and persistent MQTT session.
 */
export class RuntimeProcess {
  readonly #spec: RuntimeSpec;
  readonly #repoRoot: string;
  readonly #vars: Variables;
  readonly #extraEnv: Variables;
  #child: ChildProcess | undefined;
  #exit: Promise<number | null> | undefined;
  readonly tail = new OutputTail();
  lastExitCode: number | null | undefined;

  constructor(spec: RuntimeSpec, repoRoot: string, vars: Variables, extraEnv: Variables = {}) {
    this.#spec = spec;
    this.#repoRoot = repoRoot;
    this.#vars = vars;
    this.#extraEnv = extraEnv;
  }

  get readinessUrl(): string {
    return expandVars(this.#spec.launch.readiness.url, this.#vars);
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  async launch(): Promise<void> {
    if (this.running) return;
    const { launch } = this.#spec;
    const child = spawn(
      expandVars(launch.command, this.#vars),
      (launch.args ?? []).map((a) => expandVars(a, this.#vars)),
      {
        cwd: resolve(this.#repoRoot, expandVars(launch.cwd ?? this.#spec.workdir, this.#vars)),
        env: childEnv(launch, this.#vars, this.#extraEnv),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    live.add(child);
    child.stdout?.on("data", (d: Buffer) => this.tail.add(d));
    child.stderr?.on("data", (d: Buffer) => this.tail.add(d));
    this.#child = child;
    this.#exit = new Promise((done) => {
      child.once("error", (error) => {
        this.tail.add(String(error));
        done(127);
      });
      child.once("exit", (code, signal) => {
        live.delete(child);
        done(code ?? (signal ? 128 + signalNumber(signal) : null));
      });
    });
    void this.#exit.then((code) => {
      this.lastExitCode = code;
    });
    await this.#waitReady(child);
  }

  async #waitReady(child: ChildProcess): Promise<void> {
    const { timeoutMs, intervalMs = 100 } = this.#spec.launch.readiness;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${this.#spec.language} runtime exited before it was ready (exit ${child.exitCode ?? child.signalCode})\n${this.tail.text()}`,
        );
      }
      if (await this.ready()) return;
      if (Date.now() > deadline) {
        killGroup(child, "SIGKILL");
        throw new Error(
          `${this.#spec.language} runtime not ready within ${timeoutMs} ms (${this.readinessUrl})\n${this.tail.text()}`,
        );
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** GET readiness URL answers 200. */
  async ready(): Promise<boolean> {
    try {
      const response = await fetch(this.readinessUrl, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /** Sends `signal` to the process group; with `waitForExit`, resolves with the exit code. */
  async kill(signal: NodeJS.Signals, waitForExit = true): Promise<number | null | undefined> {
    const child = this.#child;
    if (!child || !this.#exit) return this.lastExitCode;
    killGroup(child, signal);
    if (!waitForExit) return undefined;
    const limit = signal === "SIGKILL" ? 10_000 : this.#spec.launch.shutdown.graceMs + 15_000;
    const code = await Promise.race([
      this.#exit,
      new Promise<"late">((r) => setTimeout(() => r("late"), limit)),
    ]);
    if (code === "late") {
      killGroup(child, "SIGKILL");
      this.lastExitCode = await this.#exit;
      return this.lastExitCode;
    }
    this.lastExitCode = code;
    return code;
  }

  /** Graceful stop with the spec's shutdown signal, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    if (!this.running) return;
    await this.kill(this.#spec.launch.shutdown.signal, true);
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 } as Record<string, number>)[signal] ?? 0;
}

import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

export interface Child {
  process: ChildProcess;
  events: ChildEvent[];
  /** Resolves with the first event named `name` (counting those already seen). */
  next(name: string, timeoutMs?: number): Promise<ChildEvent>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

/** Runs a TypeScript file of test/fixtures in a child node process (tsx), reading its JSON event lines. */
export function runFixtureProcess(name: string, env: Record<string, string>): Child {
  const script = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  const events: ChildEvent[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      events.push(JSON.parse(line) as ChildEvent);
    } catch {
      return;
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const next = (event: string, timeoutMs = 20_000) =>
    new Promise<ChildEvent>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`child sent no '${event}' within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const check = () => {
        const found = events.find((e) => e.event === event);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return { process: child, events, next };
}

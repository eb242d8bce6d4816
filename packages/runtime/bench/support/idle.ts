// Idle cost of a service process: CPU time used over a quiet interval, and resident memory.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./idle-host.mjs", import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuMs(pid: number): number {
  // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (after the "(comm)" field).
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export interface IdleResult {
  seconds: number;
  cpuMs: number;
  rssMb: number;
}

export async function measureIdle(env: Record<string, string>, seconds: number): Promise<IdleResult> {
  const child = spawn(process.execPath, [script, `Idle${process.pid}`], {
    // MALLOC_ARENA_MAX as the Node base image and the sidecar's process driver set it.
    env: { MALLOC_ARENA_MAX: "2", ...process.env, ...env, SFN_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`idle host exited with ${code}`)));
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line.includes('"service ready"')) resolve();
      });
    });
    // Let start-up work settle: JIT, GC, and pg closing the pool's idle start-up connections (10 s).
    await new Promise((r) => setTimeout(r, 12_000));
    const before = cpuMs(child.pid!);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return { seconds, cpuMs: cpuMs(child.pid!) - before, rssMb: rssMb(child.pid!) };
  } finally {
    child.kill("SIGTERM");
  }
}

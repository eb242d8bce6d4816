import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { argumentsFor, commandRoutes, usage } from "./commands.js";

export interface RunIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const require = createRequire(import.meta.url);

/** Absolute path of a package's bin script, from its package.json. */
export function resolveBin(packageName: string, bin: string): string {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: Record<string, string> };
  const relative = manifest.bin?.[bin];
  if (relative === undefined) throw new Error(`${packageName} has no bin '${bin}'`);
  return join(dirname(manifestPath), relative);
}

/**
 * Runs `sfn <command> …` and resolves with its exit code: 0 success, 1 a failed check (e.g. a breaking
 * contract change, a broken audit chain), 2 a usage error.
 */
export async function runSfn(argv: readonly string[], io: RunIo): Promise<number> {
  const [group, ...rest] = argv;
  if (group === undefined || group === "help" || group === "--help" || group === "-h") {
    (group === undefined ? io.err : io.out)(usage());
    return group === undefined ? 2 : 0;
  }
  const route = commandRoutes[group];
  if (route === undefined) {
    io.err(`sfn: unknown command '${group}'\n\n${usage()}`);
    return 2;
  }
  let binPath: string;
  try {
    binPath = resolveBin(route.packageName, route.bin);
  } catch (error) {
    io.err(`sfn: cannot run '${group}': ${(error as Error).message}\n`);
    return 2;
  }
  const child = spawn(process.execPath, [binPath, ...argumentsFor(group, rest)], { stdio: "inherit" });
  return new Promise<number>((resolve) => {
    child.once("error", (error) => {
      io.err(`sfn: cannot start ${route.bin}: ${error.message}\n`);
      resolve(2);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

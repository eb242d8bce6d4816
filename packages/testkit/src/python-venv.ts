import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The interpreter of the Python runtime's venv, or why there is none (no python3, no PyPI). */
export type PythonVenv = { python: string } | { reason: string };

function checkoutRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "runtimes", "python", "scripts", "venv.sh"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The runtimes/python venv of this checkout, created (pip install -e from PyPI, once) or reused by its
 * own script, which holds a lock: turbo runs several tasks that need it at once. Asynchronous, so a
 * test framework's timers keep running while pip works (minutes on a fresh machine).
 */
export async function pythonRuntimeVenv(
  from: string = dirname(fileURLToPath(import.meta.url)),
): Promise<PythonVenv> {
  const root = checkoutRoot(from);
  if (root === undefined)
    return { reason: "not run from a checkout of the sfn repository (no runtimes/python)" };
  const script = join(root, "runtimes", "python", "scripts", "venv.sh");
  return new Promise((resolve) => {
    const child = spawn(script, ["python", "-c", "import sfn_runtime, sys; print(sys.executable)"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.once("error", (error) => resolve({ reason: `runtimes/python/scripts/venv.sh: ${error.message}` }));
    child.once("close", (code) => {
      if (code === 0) resolve({ python: stdout.trim() });
      else {
        const tail = stderr.trim().split("\n").slice(-3).join(" | ");
        resolve({ reason: `runtimes/python/scripts/venv.sh failed (exit ${code}): ${tail}` });
      }
    });
  });
}

/** pythonRuntimeVenv, or an Error naming why there is none. */
export async function requirePythonRuntimeVenv(): Promise<string> {
  const venv = await pythonRuntimeVenv();
  if ("reason" in venv) throw new Error(venv.reason);
  return venv.python;
}

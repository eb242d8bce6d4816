import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The venv that `runtimes/python/scripts/venv.sh` uses, when this code runs from a checkout of the
 * repository (the same key: the first 12 hex digits of the sha256 of the runtimes/python path; or
 * SFN_PY_VENV).
 */
function checkoutVenvPython(from: string, env: Record<string, string | undefined>): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const runtimeDir = join(dir, "runtimes", "python");
    if (existsSync(join(runtimeDir, "scripts", "venv.sh"))) {
      const key = createHash("sha256").update(runtimeDir).digest("hex").slice(0, 12);
      const venv = env.SFN_PY_VENV || join(homedir(), ".cache", "sfn", "venvs", `python-runtime-${key}`);
      const python = join(venv, "bin", "python");
      return existsSync(python) ? python : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The Python interpreter for Python applications: SFN_PYTHON_COMMAND when set; else, run from a checkout
 * of the repository, the runtimes/python venv (`runtimes/python/scripts/venv.sh true` creates it) when it
 * exists; else `python3` (the Python base image, where sfn-runtime is installed system-wide).
 */
export function pythonInterpreter(
  env: Record<string, string | undefined> = process.env,
  from: string = dirname(fileURLToPath(import.meta.url)),
): string {
  return env.SFN_PYTHON_COMMAND || checkoutVenvPython(from, env) || "python3";
}

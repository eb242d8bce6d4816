import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ValidationError } from "@sfn/contracts";
import { loadServiceConfig, pythonInterpreter, SERVICE_LANGUAGES, type ServiceLanguage } from "@sfn/runtime";
import { SidecarErrorCodes } from "../errors.js";
import { runtimeEntrypoint } from "./process-launcher.js";

/** Re-exported: the interpreter lookup lives in @sfn/runtime, beside the service config that names Python. */
export { pythonInterpreter };

/** What a driver spawns to serve an application directory (the working directory is that directory). */
export interface RuntimeCommand {
  file: string;
  args: string[];
}

export interface RuntimeCommandOptions {
  /**
   * The Python interpreter that has sfn-runtime installed; default: `pythonInterpreter(env)` (SFN_PYTHON_COMMAND,
   * else the runtimes/python venv of this checkout, else `python3`).
   */
  pythonCommand?: string;
  /** Where SFN_PYTHON_COMMAND and SFN_PY_VENV are read; default process.env. */
  env?: Record<string, string | undefined>;
}

function invalidLayer(appDir: string, message: string): never {
  throw new ValidationError(`${appDir}: ${message}`, {
    code: SidecarErrorCodes.layerInvalid,
    details: { appDir, file: "sfn-app.json" },
  });
}

/**
 * The application's language, from the `sfn-app.json` that `sfn build` writes into the layer; `node`
 * when it names none (layers built before the field existed).
 */
export function appLanguage(appDir: string): ServiceLanguage {
  const file = join(appDir, "sfn-app.json");
  if (!existsSync(file)) invalidLayer(appDir, "no sfn-app.json: not an application directory of sfn build");
  let language: unknown;
  try {
    language = (JSON.parse(readFileSync(file, "utf8")) as { language?: unknown }).language ?? "node";
  } catch (error) {
    return invalidLayer(appDir, `sfn-app.json is not valid JSON (${(error as Error).message})`);
  }
  if (!SERVICE_LANGUAGES.includes(language as ServiceLanguage)) {
    invalidLayer(
      appDir,
      `sfn-app.json names language '${String(language)}'; this sidecar runs node and python`,
    );
  }
  return language as ServiceLanguage;
}

/**
 * Sets SFN_DATABASE to the service config's `database` unless the environment sets it (what
 * `sfn-runtime start` does for Node), then runs `python -m sfn_runtime` with the remaining arguments.
 */
const PYTHON_WITH_DATABASE = [
  "import os, runpy, sys",
  "database = sys.argv.pop(1)",
  "os.environ['SFN_DATABASE'] = os.environ.get('SFN_DATABASE') or database",
  "runpy.run_module('sfn_runtime', run_name='__main__', alter_sys=True)",
].join("; ");

/**
 * The command that serves an application directory, chosen by its language (sfn-app.json):
 * - node: `node <@sfn/runtime's sfn-runtime> start <appDir>`;
 * - python: `<python> -B -m sfn_runtime <module:Class> <appDir>/contract.json` (the base image's
 *   entrypoint; `-B`: no `__pycache__` written into the application directory), the module and class
 *   from the layer's sfn.config.json; with a `database` there, SFN_DATABASE defaults to it.
 *
 * Pass it as ProcessLauncher's `command`.
 */
export function runtimeCommand(options: RuntimeCommandOptions = {}): (appDir: string) => RuntimeCommand {
  return (appDir) => {
    const language = appLanguage(appDir);
    if (language === "node") {
      return { file: process.execPath, args: [runtimeEntrypoint(), "start", appDir] };
    }
    const loaded = loadServiceConfig(appDir);
    if (loaded.python === undefined) {
      invalidLayer(
        appDir,
        "sfn-app.json names python, but the layer's sfn.config.json names no Python entry",
      );
    }
    const python = options.pythonCommand ?? pythonInterpreter(options.env);
    const args = [loaded.python.spec, resolve(loaded.dir, loaded.config.contract)];
    return loaded.config.database === undefined
      ? { file: python, args: ["-B", "-m", "sfn_runtime", ...args] }
      : { file: python, args: ["-B", "-c", PYTHON_WITH_DATABASE, loaded.config.database, ...args] };
  };
}

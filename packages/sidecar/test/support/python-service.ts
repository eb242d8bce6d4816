import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface PythonEchoServiceOptions {
  /** Returned by `echo`, so a caller sees which build answers. */
  label: string;
  /** The module raises when it is imported: the process exits before it is ready. */
  crashAtStart?: boolean;
  /** The service's name (contract, config, `@service`); default PyEchoService. */
  name?: string;
}

/** The files of the service that belong in its application layer (paths from the service directory). */
export const PYTHON_SERVICE_CODE = [
  "echo_service/__init__.py",
  "echo_service/labels.py",
  "echo_service/py.typed",
  "echo_service/service.py",
];

/** Files next to the code that must stay out of the layer. */
export const PYTHON_SERVICE_NOISE = [
  "echo_service/__pycache__/service.cpython-311.pyc",
  "echo_service/.service.py.swp",
  "echo_service/tests/test_labels.py",
  "echo_service/stale.pyc",
  ".venv/lib/python3.11/site-packages/six.py",
  "tests/test_service.py",
  "README.md",
  "pyproject.toml",
];

/**
 * Writes a small Python service (sfn.config.json, contract, the package `echo_service` with a helper
 * module) plus files a build must leave out: caches, tests, a venv, dotfiles. `echo` answers with the
 * label, the Python version, SFN_DATABASE (set from the config's `database` by the sidecar) and the
 * `greeting` of its sfn.config.json `settings` (the functions' `config`).
 */
export function writePythonEchoService(dir: string, options: PythonEchoServiceOptions): string {
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  const name = options.name ?? "PyEchoService";
  const contract = {
    service: name,
    schemaVersion: "1.0.0",
    functions: { echo: { input: "EchoRequest", output: "EchoResponse", authenticated: false } },
    definitions: {
      EchoRequest: {
        type: "object",
        properties: { text: { type: "string" } },
        required: ["text"],
        additionalProperties: false,
      },
      EchoResponse: {
        type: "object",
        properties: {
          text: { type: "string" },
          label: { type: "string" },
          runtime: { type: "string" },
          database: { type: "string" },
          greeting: { type: "string" },
        },
        required: ["text", "label", "runtime", "database", "greeting"],
        additionalProperties: false,
      },
    },
  };
  write("contract.json", JSON.stringify(contract, null, 2));
  write(
    "sfn.config.json",
    JSON.stringify({
      name,
      contract: "contract.json",
      entry: "echo_service/service.py:EchoService",
      database: "pyecho",
      settings: { greeting: `hello from ${options.label}` },
      dev: { grants: { admin: ["admin"] } },
    }),
  );
  write("echo_service/__init__.py", '"""A Python echo service for the sidecar tests."""\n');
  write("echo_service/py.typed", "");
  write("echo_service/labels.py", `LABEL = ${JSON.stringify(options.label)}\n`);
  write(
    "echo_service/service.py",
    `import os
import platform
from typing import Any

from sfn_runtime.host import function, service

from .labels import LABEL
${options.crashAtStart ? '\nraise RuntimeError("this version crashes at start")\n' : ""}

@service(${JSON.stringify(name)})
class EchoService:
    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config

    @function("echo")
    async def echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {
            "text": parameters["text"],
            "label": LABEL,
            "runtime": "python " + platform.python_version(),
            "database": os.environ.get("SFN_DATABASE", ""),
            "greeting": self._config["greeting"],
        }
`,
  );
  for (const path of PYTHON_SERVICE_NOISE) write(path, "# must not be in the layer\n");
  return dir;
}

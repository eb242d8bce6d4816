import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ValidationError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";
import type { LayerFile } from "../oci/layer.js";

/** Directories that are never part of a Python service's code in its application layer. */
const EXCLUDED_DIRECTORIES = new Set(["__pycache__", "tests", "test", ".venv", "venv", "node_modules"]);
/** Names the layer itself uses at the application directory's root. */
const RESERVED_ROOTS = new Set(["generated", "contract.json", "sfn.config.json", "sfn-app.json"]);

const excluded = (name: string, directory: boolean): boolean =>
  name.startsWith(".") ||
  (directory ? EXCLUDED_DIRECTORIES.has(name) : name.endsWith(".pyc") || name.endsWith(".pyo"));

function invalid(message: string, details: Record<string, unknown>): never {
  throw new ValidationError(message, { code: SidecarErrorCodes.buildInvalid, details });
}

/**
 * The code of a Python service, as layer files with their paths from the service directory: the entry
 * module's top-level package (`user_service/` for `user_service/service.py`, recursively), or the entry
 * module alone when it sits at the service root. Left out: dotfiles and dot-directories, `__pycache__`,
 * `*.pyc`/`*.pyo`, `tests`/`test`, `.venv`/`venv`, `node_modules`. Links are refused (a layer holds
 * regular files only). Third-party packages are not vendored: the base image provides sfn-runtime and
 * its dependencies.
 */
export function pythonSources(serviceDir: string, entryFile: string): LayerFile[] {
  const top = relative(serviceDir, entryFile).split(sep)[0]!;
  if (RESERVED_ROOTS.has(top) || top === "generated.py") {
    invalid(`the Python package '${top}' collides with the layer's own generated/ glue; rename it`, {
      entry: entryFile,
    });
  }
  const files: LayerFile[] = [];
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    const rel = relative(serviceDir, path).split(sep).join("/");
    if (stat.isSymbolicLink()) invalid(`${rel} is a link; a layer holds regular files only`, { path: rel });
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        if (!excluded(entry.name, entry.isDirectory())) visit(join(path, entry.name));
      }
    } else if (stat.isFile()) files.push({ path: rel, content: readFileSync(path) });
    else invalid(`${rel} is not a regular file`, { path: rel });
  };
  visit(join(serviceDir, top));
  return files;
}

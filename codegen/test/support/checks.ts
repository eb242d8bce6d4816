import type { GeneratedFile } from "../../src/core/generated-file.js";

/** A set of generated files placed under one directory/package of a language's check project. */
export interface Unit {
  /** Directory inside the project (Go package dir, Python package path, Java/C# source dir, TS src subdir). */
  dir: string;
  /** Go package import path suffix / Python module / Java package / C# namespace / TS module dir. */
  module: string;
  files: { name: string; content: string }[];
}

/** One fixture to parse into `type` (of `module`) and write back to `output`. */
export interface Case {
  module: string;
  type: string;
  input: string;
  output: string;
}

export interface CheckPlan {
  units: Unit[];
  cases: Case[];
  /** Extra hand-written test sources (language-specific, e.g. dispatcher tests), name → content. */
  extra?: Record<string, string>;
}

/** Groups generated files (repo-relative paths) into a unit, keeping only base names. */
export function unitFrom(files: readonly GeneratedFile[], prefix: string, dir: string, module: string): Unit {
  return {
    dir,
    module,
    files: files
      .filter((f) => f.path.startsWith(`${prefix}/`))
      .map((f) => ({ name: f.path.slice(prefix.length + 1), content: f.content })),
  };
}

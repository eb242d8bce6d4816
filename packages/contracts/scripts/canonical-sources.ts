// Loads the canonical definitions (schemas/**.schema.json, operations/*.operations.json) from disk.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("..", import.meta.url));

export interface SourceFile {
  /** Path relative to the package root, with forward slashes. */
  path: string;
  json: Record<string, unknown>;
}

function walk(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name), suffix)
        : entry.name.endsWith(suffix)
          ? [join(dir, entry.name)]
          : [],
    )
    .sort();
}

function load(dir: string, suffix: string): SourceFile[] {
  return walk(join(packageRoot, dir), suffix).map((file) => ({
    path: relative(packageRoot, file).split("\\").join("/"),
    json: JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>,
  }));
}

export function loadSchemas(): SourceFile[] {
  return load("schemas", ".schema.json");
}

export function loadOperations(): SourceFile[] {
  return load("operations", ".operations.json");
}

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { GeneratedFile } from "./generated-file.js";

function listFiles(dir: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A difference between the files on disk and a fresh generation. */
export interface StaleFile {
  path: string;
  reason: "changed" | "missing" | "extra";
}

/**
 * Compares `files` (paths relative to `root`) with the disk. Files under one of `ownedDirs` that the
 * generation no longer produces are reported as extra.
 */
export function staleFiles(
  root: string,
  files: readonly GeneratedFile[],
  ownedDirs: readonly string[],
): StaleFile[] {
  const out: StaleFile[] = [];
  const expected = new Set(files.map((f) => f.path));
  for (const file of files) {
    let current: string | undefined;
    try {
      current = readFileSync(join(root, file.path), "utf8");
    } catch {
      current = undefined;
    }
    if (current === undefined) out.push({ path: file.path, reason: "missing" });
    else if (current !== file.content) out.push({ path: file.path, reason: "changed" });
  }
  for (const dir of ownedDirs) {
    for (const abs of listFiles(join(root, dir))) {
      const rel = relative(root, abs).split("\\").join("/");
      if (!expected.has(rel) && !isToolchainArtifact(rel)) out.push({ path: rel, reason: "extra" });
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Files the languages' own tools leave beside generated sources (Python bytecode caches, …): neither
 * generated nor committed, so they are not "extra".
 */
function isToolchainArtifact(path: string): boolean {
  return /(^|\/)__pycache__\//.test(path) || /\.py[co]$/.test(path);
}

/** Writes `files` and removes files under `ownedDirs` that are no longer generated. Returns paths written. */
export function writeFiles(
  root: string,
  files: readonly GeneratedFile[],
  ownedDirs: readonly string[],
): string[] {
  const written: string[] = [];
  for (const stale of staleFiles(root, files, ownedDirs)) {
    const abs = join(root, stale.path);
    if (stale.reason === "extra") {
      rmSync(abs);
      continue;
    }
    const file = files.find((f) => f.path === stale.path)!;
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, file.content);
    written.push(stale.path);
  }
  return written;
}

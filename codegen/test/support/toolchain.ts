// Runs a language's own toolchain for the compile-and-round-trip tests. A missing toolchain is an error
// with a clear message, never a silent skip.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
export const repoRoot = join(packageRoot, "..");
export const cacheRoot =
  process.env.SFN_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "sfn");

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function which(tool: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * The tool on PATH, else the first existing fallback location (e.g. Go's tarball install in
 * /usr/local/go/bin, which a fresh shell may not have on PATH). Throws with the install hint otherwise.
 */
export function requireTool(tool: string, hint: string, fallbacks: readonly string[] = []): string {
  const path = which(tool) ?? fallbacks.map((d) => join(d, tool)).find((p) => existsSync(p));
  if (path === undefined)
    throw new Error(
      `toolchain missing: \`${tool}\` is not on PATH${fallbacks.length > 0 ? ` nor in ${fallbacks.join(", ")}` : ""} — ${hint}`,
    );
  return path;
}

export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): RunResult {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(" ")} could not start: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`.slice(0, 20000),
    );
  return { stdout: r.stdout, stderr: r.stderr };
}

/** A fresh scratch directory for one language's check. */
export function workDir(name: string, base = join(cacheRoot, "codegen-work")): string {
  const dir = join(base, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export function copyDir(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}

export interface RoundTripCase {
  /** Wire type name (the schema title). */
  type: string;
  /** Fixture file name. */
  name: string;
  input: string;
}

export function fixtures(dir: string): RoundTripCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ type: f.split(".")[0]!, name: f, input: join(dir, f) }));
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

export { existsSync };

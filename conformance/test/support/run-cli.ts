import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { JsonReport } from "../../src/report/json.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface CliRun {
  code: number;
  report: JsonReport;
}

/**
 * Runs `sfn-conformance` as its own process (the built bin, or the source through tsx) with the
 * terminal as its output, so the live progress and the matrix are part of the test command's output.
 */
export async function runCli(args: string[], jsonPath: string): Promise<CliRun> {
  const bin = join(root, "dist", "cli.js");
  const [command, prefix] = existsSync(bin)
    ? [process.execPath, [bin]]
    : [process.execPath, ["--import", "tsx", join(root, "src", "cli.ts")]];
  const child = spawn(command, [...prefix, ...args, "--json", jsonPath], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  return { code, report: JSON.parse(readFileSync(jsonPath, "utf8")) as JsonReport };
}

export const conformanceDir = root;

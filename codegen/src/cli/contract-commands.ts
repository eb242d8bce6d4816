import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { classifyContracts, formatClassification } from "../compat/classify.js";
import { generateContractCached } from "../contract/cached.js";
import type { ContractError } from "../contract/errors.js";
import { loadContract } from "../contract/load.js";
import { CONTRACT_LANGUAGES, type ContractLanguage, type ContractOptions } from "../contract/options.js";
import { staleFiles, writeFiles } from "../core/output.js";
import { UsageError } from "./usage.js";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

export function readContract(path: string) {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as Error).message}`);
  }
  return loadContract(text, path);
}

export function printContractError(e: ContractError, io: Io): void {
  io.err(`invalid contract (${e.code}):\n`);
  for (const p of e.problems) io.err(`  ${p.pointer || "/"}  ${p.code}: ${p.message}\n`);
}

export async function contractGenerate(
  file: string,
  flags: {
    lang?: string;
    out?: string;
    namespace?: string;
    package?: string;
    module?: string;
    "just-types"?: boolean;
    check?: boolean;
    "cache-dir"?: string;
  },
  io: Io,
): Promise<number> {
  if (flags.lang === undefined || flags.out === undefined)
    throw new UsageError("contract generate needs --lang and --out");
  const langs = flags.lang.split(",");
  for (const l of langs)
    if (!(CONTRACT_LANGUAGES as readonly string[]).includes(l))
      throw new UsageError(`unknown language '${l}'`);
  const contract = readContract(file);
  const options: ContractOptions = {};
  if (flags.namespace !== undefined) options.namespace = flags.namespace;
  if (flags.package !== undefined) options.package = flags.package;
  if (flags.module !== undefined) options.module = flags.module;
  if (flags["just-types"] === true) options.justTypes = true;
  const cacheDir =
    flags["cache-dir"] ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "sfn", "codegen");
  let stale = 0;
  for (const lang of langs as ContractLanguage[]) {
    const root = langs.length > 1 ? join(flags.out, lang) : flags.out;
    const { files } = await generateContractCached(contract, lang, options, cacheDir);
    if (flags.check === true) {
      const diffs = staleFiles(root, files, []);
      for (const d of diffs) io.err(`stale: ${join(root, d.path)} (${d.reason})\n`);
      stale += diffs.length;
    } else {
      const written = writeFiles(root, files, []);
      io.out(`${lang}: ${files.length} files, ${written.length} written to ${root}\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

export function contractCheck(file: string, io: Io): number {
  const c = readContract(file);
  io.out(
    `${c.service} ${c.schemaVersion}: valid (${c.functions.length} functions, ${Object.keys(c.definitions).length} definitions)\n`,
  );
  return 0;
}

export function contractDiff(oldFile: string, newFile: string, json: boolean, io: Io): number {
  const result = classifyContracts(readContract(oldFile), readContract(newFile));
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : formatClassification(result));
  return result.verdict === "breaking" ? 1 : 0;
}

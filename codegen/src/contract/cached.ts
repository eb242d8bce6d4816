import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatorFingerprint } from "../core/fingerprint.js";
import type { GeneratedFile } from "../core/generated-file.js";
import { hashJson } from "../core/hash.js";
import type { Contract } from "./model.js";
import type { ContractLanguage, ContractOptions } from "./options.js";

/**
 * generateContract with a content-addressed cache: the key is the hash of the normalised contract, the
 * language, the options and the generator's fingerprint (version, code, quicktype-core version), so an
 * unchanged input costs one hash and one read, and a changed generator never reuses old output.
 */
export async function generateContractCached(
  contract: Contract,
  lang: ContractLanguage,
  options: ContractOptions,
  cacheDir: string,
): Promise<{ files: GeneratedFile[]; cached: boolean }> {
  const key = hashJson({
    generator: generatorFingerprint(),
    lang,
    options,
    contract,
  }).slice("sha256:".length);
  const path = join(cacheDir, "contracts", `${key}.json`);
  try {
    return { files: JSON.parse(readFileSync(path, "utf8")) as GeneratedFile[], cached: true };
  } catch {
    // Loaded on a miss only: importing the generators (quicktype-core) costs more than a cache hit.
    const { generateContract } = await import("./generate.js");
    const files = await generateContract(contract, lang, options);
    mkdirSync(join(cacheDir, "contracts"), { recursive: true });
    writeFileSync(path, JSON.stringify(files));
    return { files, cached: false };
  }
}

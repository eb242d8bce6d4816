import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateContract } from "../../src/contract/generate.js";
import { loadContract } from "../../src/contract/load.js";
import {
  type ContractLanguage,
  type ResolvedNames,
  resolveNames,
  typeName,
} from "../../src/contract/options.js";
import type { GeneratedFile } from "../../src/core/generated-file.js";
import type { Case, Unit } from "./checks.js";
import { fixtures, packageRoot } from "./toolchain.js";

/** The two sample contracts and the quality corpus contract, all compiled in every language. */
export const SAMPLE_CONTRACTS = [
  "contracts/user-service",
  "contracts/order-service",
  "corpus/corpus",
] as const;
export const CONTRACT_FIXTURES = join(packageRoot, "test/fixtures/contracts");
export const SCENARIOS = join(packageRoot, "test/fixtures/dispatch/scenarios.json");

export function sampleContract(name: string) {
  const path = join(packageRoot, "test", `${name}.contract.json`);
  return loadContract(readFileSync(path, "utf8"), path);
}

interface Placement {
  dir: (n: ResolvedNames) => string;
  module: (n: ResolvedNames) => string;
  /** Which generated files to compile (C#: the Newtonsoft variant only). */
  keep: (path: string) => boolean;
}

export const CONTRACT_PLACEMENT: Record<string, Placement> = {
  typescript: { dir: () => "contracts", module: (n) => `contracts/${n.tsModule}.types.js`, keep: () => true },
  python: { dir: (n) => n.pythonPackage, module: (n) => `${n.pythonPackage}.models`, keep: () => true },
  go: { dir: (n) => `contracts/${n.goPackage}`, module: (n) => `contracts/${n.goPackage}`, keep: () => true },
  java: { dir: (n) => n.javaPackage.replace(/\./g, "/"), module: (n) => n.javaPackage, keep: () => true },
  csharp: {
    dir: (n) => `contracts/${n.tsModule}`,
    module: (n) => n.namespace,
    keep: (p) => p.startsWith("Newtonsoft/"),
  },
};

const lastSegment = (path: string): string => path.split("/").pop()!;

/** Generated units (both sample contracts) and round-trip cases for one language. */
export async function contractUnits(
  lang: ContractLanguage,
  outDir: string,
  outPrefix: string,
): Promise<{ units: Unit[]; cases: Case[]; files: GeneratedFile[] }> {
  const place = CONTRACT_PLACEMENT[lang]!;
  const units: Unit[] = [];
  const all: GeneratedFile[] = [];
  const modules = new Map<string, string>();
  for (const stem of SAMPLE_CONTRACTS) {
    const contract = sampleContract(stem);
    const names = resolveNames(contract);
    const files = await generateContract(contract, lang);
    all.push(...files);
    for (const d of Object.keys(contract.definitions)) modules.set(typeName(d), place.module(names));
    units.push({
      dir: place.dir(names),
      module: place.module(names),
      files: files
        .filter((f) => place.keep(f.path))
        .map((f) => ({ name: lastSegment(f.path), content: f.content })),
    });
  }
  const cases = fixtures(CONTRACT_FIXTURES).map((f) => ({
    module: modules.get(f.type)!,
    type: f.type,
    input: f.input,
    output: join(outDir, `${outPrefix}.${f.name}`),
  }));
  return { units, cases, files: all };
}

export function extraSource(lang: string, file: string, outDir: string): string {
  return readFileSync(join(packageRoot, "test/toolchains", lang, file), "utf8")
    .replace(/__SCENARIOS__/g, SCENARIOS)
    .replace(/__OUT__/g, outDir);
}

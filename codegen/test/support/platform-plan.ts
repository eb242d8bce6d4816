import { join } from "node:path";
import type { GeneratedFile } from "../../src/core/generated-file.js";
import { PLATFORM_DIRS, type PlatformLanguage } from "../../src/platform/targets.js";
import { type Case, type CheckPlan, type Unit, unitFrom } from "./checks.js";
import { fixtures, packageRoot } from "./toolchain.js";

export const PLATFORM_FIXTURES = join(packageRoot, "test/fixtures/platform");

/** Where each language's platform unit goes in its check project, and its module name there. */
const PLACEMENT: Record<string, { dir: string; module: (type: string) => string }> = {
  go: { dir: "platform", module: () => "platform" },
  python: { dir: "sfn_runtime/generated", module: () => "sfn_runtime.generated.wire_types" },
  java: { dir: "dev/sfn/generated", module: () => "dev.sfn.generated" },
  "csharp-newtonsoft": { dir: "platform", module: () => "Sfn.Runtime.Generated" },
  typescript: { dir: "platform", module: () => "platform/wire-types.js" },
};

export function platformPlan(
  lang: PlatformLanguage,
  files: readonly GeneratedFile[],
  outDir: string,
): { unit: Unit; cases: Case[] } {
  const place = PLACEMENT[lang]!;
  const unit = unitFrom(files, PLATFORM_DIRS[lang], place.dir, place.module(""));
  const cases = fixtures(PLATFORM_FIXTURES).map((f) => ({
    module: place.module(f.type),
    type: f.type,
    input: f.input,
    output: join(outDir, `${lang}.${f.name}`),
  }));
  return { unit, cases };
}

export function singleUnitPlan(
  lang: PlatformLanguage,
  files: readonly GeneratedFile[],
  outDir: string,
): CheckPlan {
  const { unit, cases } = platformPlan(lang, files, outDir);
  return { units: [unit], cases };
}

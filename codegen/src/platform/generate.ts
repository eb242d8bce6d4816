import { type GeneratedFile, sortFiles } from "../core/generated-file.js";
import { type StaleFile, staleFiles, writeFiles } from "../core/output.js";
import { platformInputs } from "./inputs.js";
import { PLATFORM_DIRS, PLATFORM_LANGUAGES, type PlatformLanguage, platformFiles } from "./targets.js";

/** Every platform binding file, paths relative to the repository root. */
export async function generatePlatform(
  languages: readonly PlatformLanguage[] = PLATFORM_LANGUAGES,
): Promise<GeneratedFile[]> {
  const inputs = platformInputs();
  const files: GeneratedFile[] = [];
  for (const lang of languages) files.push(...(await platformFiles(lang, inputs)));
  return sortFiles(files);
}

/** Files under the generated directories that differ from a fresh generation. */
export async function checkPlatform(
  repoRoot: string,
  languages: readonly PlatformLanguage[] = PLATFORM_LANGUAGES,
): Promise<StaleFile[]> {
  return staleFiles(
    repoRoot,
    await generatePlatform(languages),
    languages.map((l) => PLATFORM_DIRS[l]),
  );
}

/** Regenerates the platform bindings; returns the paths that changed. */
export async function writePlatform(
  repoRoot: string,
  languages: readonly PlatformLanguage[] = PLATFORM_LANGUAGES,
): Promise<string[]> {
  return writeFiles(
    repoRoot,
    await generatePlatform(languages),
    languages.map((l) => PLATFORM_DIRS[l]),
  );
}

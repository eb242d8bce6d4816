/**
 * Shared vitest configurations for sfn packages.
 *
 *   // vitest.config.ts
 *   import { defineUnitConfig } from "@sfn/testkit/vitest";
 *   export default defineUnitConfig();
 *
 *   // vitest.integration.config.ts
 *   import { defineIntegrationConfig } from "@sfn/testkit/vitest";
 *   export default defineIntegrationConfig();
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeConfig, type ViteUserConfig } from "vitest/config";

/** Absolute path of the global-setup module that sits next to this file (dist .js or src .ts). */
export function globalSetupPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of ["vitest-global-setup.js", "vitest-global-setup.ts"]) {
    const candidate = join(here, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`@sfn/testkit: vitest-global-setup not found next to ${here}`);
}

/**
 * Unit tests: `src/**\/*.test.ts` minus `*.integration.test.ts`, JSON results in
 * `test-results/unit.json`. `overrides` is merged on top (vitest's mergeConfig).
 */
export function defineUnitConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const base: ViteUserConfig = {
    test: {
      include: ["src/**/*.test.ts"],
      exclude: ["**/node_modules/**", "**/dist/**", "**/*.integration.test.ts"],
      reporters: ["default", "json"],
      outputFile: { json: "test-results/unit.json" },
    },
  };
  return mergeConfig(base, overrides);
}

/**
 * Integration tests against the real services: `test/**\/*.integration.test.ts` and
 * `src/**\/*.integration.test.ts`, the fixture as globalSetup (env vars set for every worker),
 * JSON results in `test-results/integration.json`, generous timeouts, one file at a time (the
 * files share one broker, one database and one issuer).
 */
export function defineIntegrationConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  const base: ViteUserConfig = {
    test: {
      include: ["test/**/*.integration.test.ts", "src/**/*.integration.test.ts"],
      exclude: ["**/node_modules/**", "**/dist/**"],
      globalSetup: [globalSetupPath()],
      reporters: ["default", "json"],
      outputFile: { json: "test-results/integration.json" },
      testTimeout: 60_000,
      hookTimeout: 180_000,
      teardownTimeout: 60_000,
      fileParallelism: false,
    },
  };
  return mergeConfig(base, overrides);
}

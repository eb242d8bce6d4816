/**
 * vitest `globalSetup` module: ensures the fixture once per vitest run, exports the `SFN_*`
 * variables into `process.env` (test workers inherit them) and logs the services' versions.
 * The services keep running afterwards (the next run reuses them in well under a second); stop them
 * with `sfn-fixture down`, or set `SFN_FIXTURE_TEARDOWN=1` to stop what this run started.
 *
 *   // vitest.integration.config.ts
 *   export default defineConfig({ test: { globalSetup: ["@sfn/testkit/vitest-global-setup"] } });
 */
import { FIXTURE_ENV_KEYS } from "./config.js";
import { formatServiceLine, stopFixture, upFixture } from "./fixture.js";

export async function setup(): Promise<() => Promise<void>> {
  const result = await upFixture();
  for (const key of FIXTURE_ENV_KEYS) process.env[key] = result.env[key];
  process.env.SFN_FIXTURE = result.mode;
  const lines = result.services.map((s) => `[sfn-fixture]   ${formatServiceLine(s)}`);
  process.stderr.write(
    `[sfn-fixture] services (${result.mode} mode, ready in ${Math.round(result.elapsedMs)} ms):\n${lines.join("\n")}\n`,
  );
  const startedHere = result.services.some((s) => s.action === "started");
  return async () => {
    if (startedHere && process.env.SFN_FIXTURE_TEARDOWN === "1") await stopFixture();
  };
}

export default setup;

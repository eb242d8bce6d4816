import { defineUnitConfig } from "@sfn/testkit/vitest";

// `sfn dev` embeds everything (aedes, PGlite, the dev issuer): no shared fixture, but child processes
// and a WASM PostgreSQL start, so give the tests room on a loaded machine.
export default defineUnitConfig({
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});

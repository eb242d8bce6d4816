import { defineIntegrationConfig } from "@sfn/testkit/vitest";

export default defineIntegrationConfig({
  test: {
    include: ["test/**/*.integration.test.ts"],
    // The suite runs every case against real runtimes; the whole file stays under ~6 minutes.
    testTimeout: 480_000,
    hookTimeout: 480_000,
  },
});

import { defineUnitConfig } from "@sfn/testkit/vitest";

// The CLI tests spawn node processes; give them room on a loaded machine.
export default defineUnitConfig({
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 60_000 },
});

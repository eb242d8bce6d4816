import { defineUnitConfig } from "@sfn/testkit/vitest";

export default defineUnitConfig({
  test: {
    include: ["conformance/**/*.test.ts"],
    exclude: ["**/*.integration.test.ts", "**/node_modules/**"],
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/**/*.integration.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "test-results/unit.json" },
  },
});

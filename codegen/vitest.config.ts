import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/*.integration.test.ts"],
    reporters: ["default", "json"],
    outputFile: { json: "test-results/unit.json" },
    // The toolchain suites each run one compiler over shared scratch dirs; 2 cores are shared by everyone.
    fileParallelism: false,
  },
});

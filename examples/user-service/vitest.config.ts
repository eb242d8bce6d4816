import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The demo starts a function process on a WASM PostgreSQL: give it room on a loaded machine.
    testTimeout: 180_000,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/unit.json" },
  },
});

import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatServiceLine } from "./fixture.js";
import { defineIntegrationConfig, defineUnitConfig, globalSetupPath } from "./vitest.js";

describe("vitest configs", () => {
  it("unit: src tests without integration tests, JSON results in test-results/unit.json", () => {
    const config = defineUnitConfig();
    expect(config.test?.include).toEqual(["src/**/*.test.ts"]);
    expect(config.test?.exclude).toContain("**/*.integration.test.ts");
    expect(config.test?.outputFile).toEqual({ json: "test-results/unit.json" });
    expect(config.test?.globalSetup).toBeUndefined();
  });

  it("integration: both test locations, the fixture global setup, serial files, long timeouts", () => {
    const config = defineIntegrationConfig();
    expect(config.test?.include).toEqual(["test/**/*.integration.test.ts", "src/**/*.integration.test.ts"]);
    expect(config.test?.globalSetup).toEqual([globalSetupPath()]);
    expect(existsSync(globalSetupPath())).toBe(true);
    expect(config.test?.outputFile).toEqual({ json: "test-results/integration.json" });
    expect(config.test?.fileParallelism).toBe(false);
    expect(config.test?.testTimeout).toBeGreaterThanOrEqual(30_000);
  });

  it("merges overrides on top", () => {
    const config = defineIntegrationConfig({ test: { fileParallelism: true, include: ["it/**/*.ts"] } });
    expect(config.test?.fileParallelism).toBe(true);
    expect(config.test?.include).toContain("it/**/*.ts");
    expect(config.test?.globalSetup).toEqual([globalSetupPath()]);
  });
});

describe("formatServiceLine", () => {
  it("shows url, version, action and pid, or DOWN with the reason", () => {
    const up = formatServiceLine({
      name: "mqtt",
      url: "mqtt://127.0.0.1:18830",
      running: true,
      version: "mosquitto version 2.0.11",
      action: "reused",
      pid: 42,
    });
    expect(up).toMatch(
      /^mqtt\s+mqtt:\/\/127\.0\.0\.1:18830\s+mosquitto version 2\.0\.11\s+\[reused, pid 42\]$/,
    );
    const down = formatServiceLine({
      name: "postgres",
      url: "postgres://u:pw@h/db",
      running: false,
      error: "refused",
    });
    expect(down).toMatch(/DOWN\s+refused$/);
    expect(down).not.toContain("pw");
  });
});

import { describe, expect, it } from "vitest";
import { loadSidecarSettings } from "./settings.js";

const env = { SFN_DATABASE_URL: "postgres://x/y", SFN_BASE_IMAGE: "r.example/sfn/runtime-node:22" };

describe("sidecar settings", () => {
  it("have defaults: process driver, 5 s polling, 10 s lease", () => {
    expect(loadSidecarSettings(env)).toMatchObject({
      launcher: "process",
      pollIntervalMs: 5000,
      leaseSeconds: 10,
      functionHttpPort: undefined,
    });
    expect(loadSidecarSettings({ ...env, SFN_LAUNCHER: "kubernetes" }).functionHttpPort).toBe(8080);
  });
  it("name the setting that is missing or invalid", () => {
    expect(() => loadSidecarSettings({ SFN_BASE_IMAGE: "x" })).toThrow(
      expect.objectContaining({
        code: "SFN_SIDECAR_SETTING_INVALID",
        details: expect.objectContaining({ setting: "SFN_DATABASE_URL" }),
      }),
    );
    expect(() => loadSidecarSettings({ ...env, SFN_LEASE_SECONDS: "0" })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ setting: "SFN_LEASE_SECONDS" }) }),
    );
    expect(() => loadSidecarSettings({ ...env, SFN_LAUNCHER: "docker" })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ setting: "SFN_LAUNCHER" }) }),
    );
  });
});

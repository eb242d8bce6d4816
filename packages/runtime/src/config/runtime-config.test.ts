import { describe, expect, it } from "vitest";
import { loadRuntimeConfig } from "./runtime-config.js";

function settingOf(env: Record<string, string>): unknown {
  try {
    loadRuntimeConfig(env);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("loadRuntimeConfig", () => {
  it("reads defaults", () => {
    const config = loadRuntimeConfig({ SFN_MQTT_URL: "mqtt://127.0.0.1:1883" });
    expect(config).toMatchObject({
      concurrency: 8,
      dedup: true,
      dedupTtlSeconds: 86_400,
      defaultTimeoutMs: 30_000,
    });
  });

  it("reads the MQTT protocol level and an embedded PGlite database", () => {
    const config = loadRuntimeConfig({
      SFN_MQTT_URL: "mqtt://127.0.0.1:1883",
      SFN_MQTT_PROTOCOL: "3.1.1",
      SFN_DATABASE_URL: "pglite:///tmp/sfn-dev/db",
    });
    expect(config).toMatchObject({ mqttProtocolVersion: 4, databaseUrl: "pglite:///tmp/sfn-dev/db" });
    expect(loadRuntimeConfig({ SFN_MQTT_URL: "mqtt://x" }).mqttProtocolVersion).toBe(5);
  });

  it.each([
    [{}, "SFN_MQTT_URL"],
    [{ SFN_MQTT_URL: "nope" }, "SFN_MQTT_URL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_CONCURRENCY: "0" }, "SFN_CONCURRENCY"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_DEDUP: "maybe" }, "SFN_DEDUP"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_DATABASE_URL: "http://x" }, "SFN_DATABASE_URL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_LOG_LEVEL: "loud" }, "SFN_LOG_LEVEL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_MQTT_PROTOCOL: "3" }, "SFN_MQTT_PROTOCOL"],
  ])("names the bad setting in %j", (env, setting) => {
    expect(settingOf(env)).toMatchObject({ type: "ValidationError", details: { setting } });
  });
});

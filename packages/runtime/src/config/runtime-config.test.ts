import { describe, expect, it } from "vitest";
import { authenticatorOptionsFrom } from "./authenticator-options.js";
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
      concurrency: 64,
      connections: 2,
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

  it("turns the SFN_OIDC_* settings into authenticator options", () => {
    const base = { SFN_MQTT_URL: "mqtt://x", SFN_OIDC_ISSUER: "http://i", SFN_OIDC_AUDIENCE: "urn:a" };
    expect(authenticatorOptionsFrom(loadRuntimeConfig(base))).toEqual({
      audience: "urn:a",
      allowInsecureRequests: false,
    });
    const introspecting = loadRuntimeConfig({
      ...base,
      SFN_OIDC_ALLOW_INSECURE: "true",
      SFN_OIDC_MODE: "introspection",
      SFN_OIDC_RESOURCE_CLIENT_ID: "rs",
      SFN_OIDC_RESOURCE_CLIENT_SECRET: "rs-secret",
    });
    expect(authenticatorOptionsFrom(introspecting)).toEqual({
      audience: "urn:a",
      allowInsecureRequests: true,
      mode: "introspection",
      introspection: { clientId: "rs", clientSecret: "rs-secret" },
    });
  });

  it("reads the introspection mode, its client and property mirroring", () => {
    const config = loadRuntimeConfig({
      SFN_MQTT_URL: "mqtt://x",
      SFN_OIDC_MODE: "introspection",
      SFN_OIDC_RESOURCE_CLIENT_ID: "rs",
      SFN_OIDC_RESOURCE_CLIENT_SECRET: "rs-secret",
      SFN_MIRROR_PROPERTIES: "true",
    });
    expect(config).toMatchObject({
      oidcMode: "introspection",
      oidcResourceClientId: "rs",
      oidcResourceClientSecret: "rs-secret",
      mirrorProperties: true,
    });
    expect(loadRuntimeConfig({ SFN_MQTT_URL: "mqtt://x" })).toMatchObject({
      oidcMode: undefined,
      oidcResourceClientId: undefined,
      mirrorProperties: false,
    });
  });

  it.each([
    [{}, "SFN_MQTT_URL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_OIDC_MODE: "opaque" }, "SFN_OIDC_MODE"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_OIDC_MODE: "introspection" }, "SFN_OIDC_RESOURCE_CLIENT_ID"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_OIDC_RESOURCE_CLIENT_ID: "rs" }, "SFN_OIDC_RESOURCE_CLIENT_SECRET"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_MIRROR_PROPERTIES: "sometimes" }, "SFN_MIRROR_PROPERTIES"],
    [{ SFN_MQTT_URL: "nope" }, "SFN_MQTT_URL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_CONCURRENCY: "0" }, "SFN_CONCURRENCY"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_CONNECTIONS: "many" }, "SFN_CONNECTIONS"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_DEDUP: "maybe" }, "SFN_DEDUP"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_DATABASE_URL: "http://x" }, "SFN_DATABASE_URL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_LOG_LEVEL: "loud" }, "SFN_LOG_LEVEL"],
    [{ SFN_MQTT_URL: "mqtt://x", SFN_MQTT_PROTOCOL: "3" }, "SFN_MQTT_PROTOCOL"],
  ])("names the bad setting in %j", (env, setting) => {
    expect(settingOf(env)).toMatchObject({ type: "ValidationError", details: { setting } });
  });
});

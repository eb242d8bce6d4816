import { describe, expect, it } from "vitest";
import {
  formatEnvExports,
  parseEnvExports,
  parseMode,
  parsePort,
  redactUrl,
  resolveFixtureConfig,
  shellQuote,
} from "./config.js";

describe("resolveFixtureConfig (local mode)", () => {
  it("derives the documented defaults from TMPDIR", () => {
    const config = resolveFixtureConfig({}, { TMPDIR: "/var/tmp" });
    expect(config.mode).toBe("local");
    expect(config.dir).toBe("/var/tmp/sfn-fixture");
    expect(config.env).toEqual({
      SFN_MQTT_URL: "mqtt://127.0.0.1:18830",
      SFN_DATABASE_URL: "postgres://postgres@127.0.0.1:15432/sfn",
      SFN_OIDC_ISSUER: "http://127.0.0.1:18900",
      SFN_OIDC_CLIENT_ID: "sfn-test",
      SFN_OIDC_CLIENT_SECRET: "sfn-test-secret",
      SFN_OIDC_RESOURCE_CLIENT_ID: "sfn-runtime",
      SFN_OIDC_RESOURCE_CLIENT_SECRET: "sfn-runtime-secret",
      SFN_OIDC_AUDIENCE: "urn:sfn:api",
      SFN_FIXTURE_DIR: "/var/tmp/sfn-fixture",
    });
  });

  it("falls back to /tmp without TMPDIR and honours SFN_FIXTURE_DIR", () => {
    expect(resolveFixtureConfig({}, {}).dir).toBe("/tmp/sfn-fixture");
    expect(resolveFixtureConfig({}, { SFN_FIXTURE_DIR: "/srv/fx", TMPDIR: "/x" }).dir).toBe("/srv/fx");
  });

  it("builds every URL from the port variables, and the issuer has no trailing slash", () => {
    const config = resolveFixtureConfig({}, { SFN_MQTT_PORT: "1", SFN_PG_PORT: "2", SFN_OIDC_PORT: "3" });
    expect(config.env.SFN_MQTT_URL).toBe("mqtt://127.0.0.1:1");
    expect(config.env.SFN_DATABASE_URL).toBe("postgres://postgres@127.0.0.1:2/sfn");
    expect(config.env.SFN_OIDC_ISSUER).toBe("http://127.0.0.1:3");
  });

  it("ignores URL variables in local mode (the fixture owns the ports)", () => {
    const config = resolveFixtureConfig({}, { SFN_MQTT_URL: "mqtt://elsewhere:1883" });
    expect(config.env.SFN_MQTT_URL).toBe("mqtt://127.0.0.1:18830");
  });

  it("lets options override the environment", () => {
    const config = resolveFixtureConfig({ dir: "/a/b", mqttPort: 2000 }, { SFN_MQTT_PORT: "3000" });
    expect(config.dir).toBe("/a/b");
    expect(config.mqttPort).toBe(2000);
  });
});

describe("resolveFixtureConfig (external mode)", () => {
  it("takes URLs and credentials from the environment", () => {
    const config = resolveFixtureConfig(
      {},
      {
        SFN_FIXTURE: "external",
        SFN_MQTT_URL: "mqtt://emqx.internal:1883",
        SFN_DATABASE_URL: "postgres://app:pw@db.internal:5432/sfn",
        SFN_OIDC_ISSUER: "https://idp.example/realms/sfn",
        SFN_OIDC_CLIENT_ID: "ci",
      },
    );
    expect(config.mode).toBe("external");
    expect(config.env.SFN_MQTT_URL).toBe("mqtt://emqx.internal:1883");
    expect(config.env.SFN_DATABASE_URL).toBe("postgres://app:pw@db.internal:5432/sfn");
    expect(config.env.SFN_OIDC_ISSUER).toBe("https://idp.example/realms/sfn");
    expect(config.env.SFN_OIDC_CLIENT_ID).toBe("ci");
    // Unset values fall back to the local defaults.
    expect(config.env.SFN_OIDC_CLIENT_SECRET).toBe("sfn-test-secret");
  });

  it("rejects a malformed URL by name", () => {
    expect(() =>
      resolveFixtureConfig({}, { SFN_FIXTURE: "external", SFN_DATABASE_URL: "not a url" }),
    ).toThrow(/SFN_DATABASE_URL/);
  });
});

describe("parsePort / parseMode", () => {
  it("accepts valid ports and rejects the rest with the variable name", () => {
    expect(parsePort(undefined, "P", 5)).toBe(5);
    expect(parsePort("", "P", 5)).toBe(5);
    expect(parsePort(" 8080 ", "P", 5)).toBe(8080);
    expect(() => parsePort("0", "SFN_PG_PORT", 5)).toThrow(/SFN_PG_PORT/);
    expect(() => parsePort("65536", "P", 5)).toThrow();
    expect(() => parsePort("12ab", "P", 5)).toThrow();
  });

  it("knows local and external", () => {
    expect(parseMode(undefined)).toBe("local");
    expect(parseMode("External")).toBe("external");
    expect(() => parseMode("docker")).toThrow(/SFN_FIXTURE/);
  });
});

describe("env export lines", () => {
  it("round-trips through formatEnvExports and parseEnvExports, quoting what needs it", () => {
    const env = resolveFixtureConfig({}, { SFN_FIXTURE_DIR: "/tmp/it's here" }).env;
    const text = formatEnvExports(env);
    expect(text).toContain("export SFN_MQTT_URL=mqtt://127.0.0.1:18830\n");
    expect(text).toContain(`export SFN_FIXTURE_DIR='/tmp/it'"'"'s here'`);
    expect(parseEnvExports(text)).toEqual(env);
  });

  it("parses plain dotenv lines and skips comments", () => {
    expect(parseEnvExports('# c\nA=1\nexport B="x y"\n\nnot a line')).toEqual({ A: "1", B: "x y" });
  });

  it("shellQuote leaves safe values alone", () => {
    expect(shellQuote("postgres://postgres@127.0.0.1:15432/sfn")).toBe(
      "postgres://postgres@127.0.0.1:15432/sfn",
    );
    expect(shellQuote("a b")).toBe("'a b'");
  });
});

describe("redactUrl", () => {
  it("hides passwords and keeps everything else", () => {
    expect(redactUrl("postgres://app:secret@db:5432/sfn")).toBe("postgres://app:***@db:5432/sfn");
    expect(redactUrl("http://127.0.0.1:18900")).toBe("http://127.0.0.1:18900");
    expect(redactUrl("mqtt://127.0.0.1:18830")).toBe("mqtt://127.0.0.1:18830");
  });
});

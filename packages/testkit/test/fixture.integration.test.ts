import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { FIXTURE_ENV_KEYS, fixtureEnv, parseEnvExports, upFixture } from "../src/index.js";

const external = process.env.SFN_FIXTURE === "external";
const packageDir = resolve(import.meta.dirname, "..");

describe("global setup", () => {
  it("exported every SFN_* variable of the contract into process.env", () => {
    for (const key of FIXTURE_ENV_KEYS) expect(process.env[key], key).toBeTruthy();
    if (!external)
      expect(Object.fromEntries(FIXTURE_ENV_KEYS.map((k) => [k, process.env[k]]))).toEqual(fixtureEnv());
  });
});

describe.skipIf(external)("ensureFixture on the running fixture", () => {
  it("reuses the running services: same pids, nothing started", async () => {
    const first = await upFixture({ log: false });
    const second = await upFixture({ log: false });
    for (const result of [first, second]) {
      expect(result.services.map((s) => s.action)).toEqual(["reused", "reused", "reused"]);
      expect(result.services.every((s) => s.running)).toBe(true);
    }
    expect(second.services.map((s) => s.pid)).toEqual(first.services.map((s) => s.pid));
    console.log(`warm ensureFixture: ${second.elapsedMs.toFixed(0)} ms`);
  });

  it("reports the real versions and writes fixture.env with the contract", async () => {
    const result = await upFixture({ log: false });
    const byName = Object.fromEntries(result.services.map((s) => [s.name, s.version]));
    expect(byName.mqtt).toMatch(/^mosquitto version 2\./);
    expect(byName.postgres).toMatch(/^PostgreSQL 15\./);
    expect(byName.oidc).toMatch(/^oidc-provider 9\.13\.3$/);
    expect(parseEnvExports(readFileSync(result.envFile, "utf8"))).toEqual(result.env);
  });
});

describe("external mode", () => {
  it("checks the given URLs without starting anything", async () => {
    const result = await upFixture({ mode: "external", log: false });
    expect(result.services.map((s) => s.action)).toEqual(["external", "external", "external"]);
    expect(result.services.every((s) => s.running && s.pid === undefined)).toBe(true);
  });

  it("fails with a message naming each unreachable URL", async () => {
    const port = await freePort();
    const saved = process.env.SFN_MQTT_URL;
    process.env.SFN_MQTT_URL = `mqtt://127.0.0.1:${port}`;
    try {
      await expect(upFixture({ mode: "external", log: false })).rejects.toThrow(
        new RegExp(`MQTT broker at mqtt://127\\.0\\.0\\.1:${port} is unreachable`),
      );
    } finally {
      process.env.SFN_MQTT_URL = saved;
    }
  });
});

// A second, private fixture on free ports: cold start by three racing CLI processes (the lock must
// make them share one set of services), warm `up`, `down`, `up` again, `down --purge`.
describe.skipIf(external)("sfn-fixture CLI lifecycle on a private data dir", () => {
  it("starts once under concurrency, restarts after down, and purges", { timeout: 240_000 }, async () => {
    const dir = join(process.env.TMPDIR || "/tmp", `sfn-fixture-it-${process.pid}`);
    const [mqttPort, pgPort, oidcPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      ...process.env,
      SFN_FIXTURE: "",
      SFN_FIXTURE_DIR: dir,
      SFN_MQTT_PORT: String(mqttPort),
      SFN_PG_PORT: String(pgPort),
      SFN_OIDC_PORT: String(oidcPort),
    };
    try {
      const cold = performance.now();
      const racers = await Promise.all([1, 2, 3].map(() => cli(["up"], env)));
      const coldMs = performance.now() - cold;
      for (const r of racers) expect(r.code, r.stderr).toBe(0);
      const pids = racers.map((r) => pidsOf(r.stdout));
      expect(pids[1]).toEqual(pids[0]);
      expect(pids[2]).toEqual(pids[0]);
      const started = racers.flatMap((r) => r.stdout.match(/\[started/g) ?? []).length;
      expect(started).toBe(3); // each service started by exactly one of the racers
      console.log(
        `cold 'sfn-fixture up' (3 racing processes): ${coldMs.toFixed(0)} ms\n${racers[0]!.stdout}`,
      );

      const warm = await cli(["up"], env);
      expect(warm.code).toBe(0);
      expect(pidsOf(warm.stdout)).toEqual(pids[0]);
      expect(warm.stdout.match(/\[reused/g)).toHaveLength(3);
      const internalMs = Number(/ready \(local\) in (\d+) ms/.exec(warm.stdout)?.[1]);
      expect(Number.isFinite(internalMs)).toBe(true);

      const kid = JSON.parse(readFileSync(join(dir, "oidc", "jwks.json"), "utf8")).keys[0].kid;

      const down = await cli(["down"], env);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stderr).toMatch(/mqtt: stopped/);
      expect(down.stderr).toMatch(/postgres: stopped/);
      expect(down.stderr).toMatch(/oidc: stopped/);
      const status = await cli(["status"], env);
      expect(status.code).toBe(3);
      expect(status.stdout.match(/DOWN/g)).toHaveLength(3);

      const again = await cli(["up"], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout.match(/\[started/g)).toHaveLength(3);
      expect(JSON.parse(readFileSync(join(dir, "oidc", "jwks.json"), "utf8")).keys[0].kid).toBe(kid);

      const purge = await cli(["down", "--purge"], env);
      expect(purge.code, purge.stderr).toBe(0);
      expect(existsSync(dir)).toBe(false);
    } finally {
      if (existsSync(dir)) await cli(["down", "--purge"], env);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, join(packageDir, "src", "cli.ts"), ...args], {
      env: { ...env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
  });
}

function pidsOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    const m = /^(mqtt|postgres|oidc)\s.*pid (\d+)\]$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  expect(Object.keys(out).sort()).toEqual(["mqtt", "oidc", "postgres"]);
  return out;
}

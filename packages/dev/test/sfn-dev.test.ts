import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The `sfn-dev` bin end to end, as a user runs it: `dev` on a copy of examples/user-service, then
// `call` from another process, reading the session file `dev` wrote.
const cli = resolve(import.meta.dirname, "..", "dist", "cli.js");
const example = resolve(import.meta.dirname, "..", "..", "..", "examples", "user-service");

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("sfn dev and sfn call", () => {
  const work = mkdtempSync(join(tmpdir(), "sfn-dev-cli-"));
  // Inside the example, so the copy resolves the example's dependencies (node_modules up the tree).
  const serviceDir = join(example, ".sfn", `test-copy-${process.pid}`);
  const env = { ...process.env, SFN_DEV_HOME: join(work, "home"), NODE_OPTIONS: "" };
  let dev: ChildProcess;
  const output: string[] = [];
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = output.find((line) => pattern.test(line));
      if (found) return found;
      if (Date.now() > deadline || dev.exitCode !== null) {
        throw new Error(`no ${pattern} in the output of sfn dev:\n${output.join("\n")}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    // A copy of the example to edit (the restart test) without touching the real one.
    for (const entry of ["sfn.config.json", "contract.json", "src"]) {
      cpSync(join(example, entry), join(serviceDir, entry), { recursive: true });
    }
    dev = spawn(process.execPath, [cli, "dev", serviceDir], { env, stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: dev.stdout! }).on("line", (line) => output.push(line));
    createInterface({ input: dev.stderr! }).on("line", (line) => output.push(line));
    await waitFor(/Try:/);
  });

  afterAll(async () => {
    if (dev && dev.exitCode === null) {
      const exited = new Promise((r) => dev.once("exit", r));
      dev.kill("SIGINT");
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
    rmSync(serviceDir, { recursive: true, force: true });
  });

  it("prints the URLs and a ready-to-paste sfn call, and writes the session", () => {
    const banner = output.join("\n");
    expect(banner).toMatch(/UserService is running \(functions: createUser, getUser, listUsers\)/);
    expect(banner).toMatch(/MQTT broker {3}mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/OIDC issuer {3}http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toContain(
      `sfn call UserService createUser --params '{"email":"ada@example.test","name":"example"}' --as carol`,
    );
    expect(banner).toMatch(/^ {4}eyJ[\w-]+\.[\w-]+\.[\w-]+$/m);
    const session = JSON.parse(readFileSync(join(work, "home", "session.json"), "utf8"));
    expect(session).toMatchObject({ service: "UserService", mqttProtocolVersion: 4 });
  });

  it("calls as a user and prints the result; an error reply exits 1 with the typed error", async () => {
    const ok = await run(
      [
        "call",
        "UserService",
        "createUser",
        "--params",
        '{"email":"a@example.test","name":"A"}',
        "--as",
        "carol",
      ],
      env,
    );
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ userId: expect.any(String) });

    const invalid = await run(
      ["call", "UserService", "createUser", "--params", '{"email":"x"}', "--as", "carol"],
      env,
    );
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^ValidationError SFN_PARAMETERS_INVALID: /);

    const forbidden = await run(
      [
        "call",
        "UserService",
        "createUser",
        "--params",
        '{"email":"m@example.test","name":"M"}',
        "--as",
        "mallory",
      ],
      env,
    );
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^Forbidden SFN_FORBIDDEN: /);

    const anonymous = await run(["call", "UserService", "listUsers"], env);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/^Unauthorized /);
  });

  it("rejects bad command lines with exit 2 and a message", async () => {
    const badJson = await run(["call", "UserService", "listUsers", "--params", "{nope"], env);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/--params is not valid JSON/);
    const unknownUser = await run(["call", "UserService", "listUsers", "--as", "eve"], env);
    expect(unknownUser.code).toBe(1);
    expect(unknownUser.stderr).toMatch(/unknown user 'eve'/);
    const missing = await run(["call", "UserService"], env);
    expect(missing.code).toBe(2);
    const noService = await run(["dev", join(work, "nowhere")], env);
    expect(noService.code).toBe(1);
    expect(noService.stderr).toMatch(/sfn\.config\.json: service config not found/);
  });

  it("restarts the function process when a service file changes, and the new code answers", async () => {
    const file = join(serviceDir, "src", "user-service.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "return { items: page.items.map(toUser), total: page.total };",
        'return { items: page.items.map(toUser), total: page.total, edited: "yes" };',
      ),
    );
    await waitFor(/UserService restarted/);
    const listed = await run(["call", "UserService", "listUsers", "--as", "carol"], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ edited: "yes", total: 1 });
  });
});

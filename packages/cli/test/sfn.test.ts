import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const userService = fileURLToPath(
  new URL("../../../codegen/test/contracts/user-service.contract.json", import.meta.url),
);

function sfn(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface ContractJson {
  functions: Record<string, { input: string; output: string }>;
}

function contractVariant(change: (contract: ContractJson) => void): string {
  const contract = JSON.parse(readFileSync(userService, "utf8")) as ContractJson;
  change(contract);
  const file = join(mkdtempSync(join(tmpdir(), "sfn-cli-")), "contract.json");
  writeFileSync(file, JSON.stringify(contract));
  return file;
}

describe("the sfn command", () => {
  it("prints usage and exits 2 without a command, 0 with --help", () => {
    expect(sfn().code).toBe(2);
    const help = sfn("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/contract/);
  });

  it("rejects an unknown command with exit 2 and says which", () => {
    const result = sfn("deploy-everything");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'deploy-everything'");
  });

  it("contract diff: exit 0 for an additive change, 1 for a breaking one, naming the JSON pointer", () => {
    const additive = contractVariant((c) => {
      c.functions.ping = { ...c.functions.createUser! }; // a new function: existing callers are unaffected
    });
    expect(sfn("contract", "diff", userService, additive).code).toBe(0);

    const breaking = contractVariant((c) => {
      c.functions.registerUser = c.functions.createUser!; // a rename: callers of createUser break
      delete c.functions.createUser;
    });
    const result = sfn("contract", "diff", userService, breaking);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("/functions/createUser");
  });

  it("passes arguments through to the owning package: `sfn fixture env` prints the fixture contract", () => {
    const result = sfn("fixture", "env");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^export SFN_MQTT_URL=/m);
    expect(result.stdout).toMatch(/^export SFN_DATABASE_URL=/m);
  });
});

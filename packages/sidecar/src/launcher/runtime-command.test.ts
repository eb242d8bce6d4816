import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runtimeEntrypoint } from "./process-launcher.js";
import { appLanguage, pythonInterpreter, runtimeCommand } from "./runtime-command.js";

const contract = {
  service: "Shop",
  schemaVersion: "1.0.0",
  definitions: { In: { type: "object" }, Out: { type: "object" } },
  functions: { buy: { input: "In", output: "Out" } },
};

/** An application directory as the sidecar unpacks it (the files `sfn build` writes). */
function appDir(app: Record<string, unknown> | string | undefined, config: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "sfn-app-"));
  mkdirSync(join(dir, "shop"));
  writeFileSync(join(dir, "shop", "service.py"), "");
  writeFileSync(join(dir, "service.mjs"), "");
  writeFileSync(join(dir, "contract.json"), JSON.stringify(contract));
  writeFileSync(
    join(dir, "sfn.config.json"),
    JSON.stringify({ name: "Shop", contract: "contract.json", ...config }),
  );
  if (app !== undefined)
    writeFileSync(
      join(dir, "sfn-app.json"),
      typeof app === "string" ? app : JSON.stringify({ app: "Shop", ...app }),
    );
  return dir;
}

describe("runtimeCommand", () => {
  const command = runtimeCommand({ pythonCommand: "/opt/py/bin/python" });

  it("starts a Node application with sfn-runtime (also when sfn-app.json names no language)", () => {
    for (const app of [{ language: "node" }, {}]) {
      const dir = appDir(app, { entry: "service.mjs" });
      expect(appLanguage(dir)).toBe("node");
      expect(command(dir)).toEqual({ file: process.execPath, args: [runtimeEntrypoint(), "start", dir] });
    }
  });

  it("starts a Python application with python -B -m sfn_runtime <module:Class> <contract>", () => {
    const dir = appDir({ language: "python" }, { entry: "shop/service.py:ShopService", language: "python" });
    expect(appLanguage(dir)).toBe("python");
    expect(command(dir)).toEqual({
      file: "/opt/py/bin/python",
      args: ["-B", "-m", "sfn_runtime", "shop.service:ShopService", join(dir, "contract.json")],
    });
  });

  it("hands a Python application its config's database as the SFN_DATABASE default", () => {
    const dir = appDir({ language: "python" }, { entry: "shop/service.py", database: "shop" });
    const { file, args } = command(dir);
    expect(file).toBe("/opt/py/bin/python");
    expect(args.slice(0, 2)).toEqual(["-B", "-c"]);
    expect(args[2]).toContain("runpy.run_module('sfn_runtime'");
    expect(args.slice(3)).toEqual(["shop", "shop.service:Shop", join(dir, "contract.json")]);
  });

  it.each([
    ["no sfn-app.json", undefined, /no sfn-app.json/],
    ["invalid JSON", "{nope", /sfn-app.json is not valid JSON/],
    ["an unknown language", { language: "cobol" }, /names language 'cobol'/],
  ])("refuses an application directory with %s (SFN_LAYER_INVALID)", (_title, app, message) => {
    const dir = appDir(app, { entry: "service.mjs" });
    expect(() => command(dir)).toThrow(
      expect.objectContaining({
        type: "ValidationError",
        code: "SFN_LAYER_INVALID",
        message: expect.stringMatching(message),
      }),
    );
  });

  it("refuses a Python application whose config names a Node entry", () => {
    const dir = appDir({ language: "python" }, { entry: "service.mjs" });
    expect(() => command(dir)).toThrow(/names no Python entry/);
  });
});

describe("pythonInterpreter", () => {
  it("is SFN_PYTHON_COMMAND when set, else python3 outside a checkout", () => {
    expect(pythonInterpreter({ SFN_PYTHON_COMMAND: "/usr/bin/python3.12" })).toBe("/usr/bin/python3.12");
    expect(pythonInterpreter({}, "/")).toBe("python3");
  });

  it("is the checkout's runtimes/python venv when it exists (SFN_PY_VENV moves it)", () => {
    const root = mkdtempSync(join(tmpdir(), "sfn-checkout-"));
    mkdirSync(join(root, "runtimes", "python", "scripts"), { recursive: true });
    writeFileSync(join(root, "runtimes", "python", "scripts", "venv.sh"), "");
    const venv = join(root, "venv");
    const from = join(root, "packages", "sidecar", "dist");
    expect(pythonInterpreter({ SFN_PY_VENV: venv }, from)).toBe("python3"); // not created yet
    mkdirSync(join(venv, "bin"), { recursive: true });
    writeFileSync(join(venv, "bin", "python"), "");
    expect(pythonInterpreter({ SFN_PY_VENV: venv }, from)).toBe(join(venv, "bin", "python"));
  });
});

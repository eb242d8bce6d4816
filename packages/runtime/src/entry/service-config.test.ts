import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadService } from "./load-service.js";
import { loadServiceConfig } from "./service-config.js";

const contract = {
  service: "Greeter",
  schemaVersion: "1.0.0",
  definitions: { In: { type: "object" }, Out: { type: "object" } },
  functions: { greet: { input: "In", output: "Out" } },
};

describe("sfn.config.json", () => {
  let dir: string;
  const write = (files: Record<string, unknown>) => {
    dir = mkdtempSync(join(tmpdir(), "sfn-config-"));
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(dir, name, ".."), { recursive: true });
      writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    }
    return dir;
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (path: string) => {
    try {
      loadServiceConfig(path);
    } catch (error) {
      return error as { type: string; code: string; message: string };
    }
    throw new Error("expected a ValidationError");
  };

  it("loads the config, its contract and the entry, and imports the exported service", async () => {
    write({
      "sfn.config.json": {
        name: "Greeter",
        contract: "contract.json",
        entry: "service.mjs",
        settings: { a: 1 },
      },
      "contract.json": contract,
      "service.mjs": `export const service = { name: "Greeter", contract: ${JSON.stringify(contract)}, functions: { greet: () => ({}) } };`,
    });
    const loaded = loadServiceConfig(dir);
    expect(loaded.config.settings).toEqual({ a: 1 });
    expect(loaded.contract.functions.greet).toBeDefined();
    const service = await loadService(loaded);
    expect(Object.keys(service.functions)).toEqual(["greet"]);
  });

  it.each([
    ["a missing file", {}, /service config not found/],
    ["invalid JSON", { "sfn.config.json": "{nope" }, /is not valid JSON/],
    [
      "a missing field",
      { "sfn.config.json": { name: "Greeter", contract: "c.json" } },
      /must have required property 'entry'/,
    ],
    [
      "an unknown field",
      { "sfn.config.json": { name: "G", contract: "c", entry: "e", extra: 1 } },
      /additional properties/,
    ],
    [
      "a name that is not the contract's",
      {
        "sfn.config.json": { name: "Other", contract: "contract.json", entry: "x.mjs" },
        "contract.json": contract,
      },
      /name 'Other' differs from the contract's service 'Greeter'/,
    ],
    [
      "a missing entry",
      {
        "sfn.config.json": { name: "Greeter", contract: "contract.json", entry: "x.mjs" },
        "contract.json": contract,
      },
      /entry x\.mjs not found/,
    ],
  ])("rejects %s with a ValidationError naming the file", (_title, files, message) => {
    const error = failure(write(files));
    expect(error).toMatchObject({ type: "ValidationError", code: "SFN_SERVICE_CONFIG_INVALID" });
    expect(error.message).toMatch(message);
    expect(error.message).toContain(dir);
  });

  it("rejects an entry that exports no service, or another service", async () => {
    write({
      "sfn.config.json": { name: "Greeter", contract: "contract.json", entry: "service.mjs" },
      "contract.json": contract,
      "service.mjs": "export const nothing = 1;",
    });
    await expect(loadService(loadServiceConfig(dir))).rejects.toThrow(/must export the service/);
    writeFileSync(join(dir, "other.mjs"), `export default { name: "Other", contract: {}, functions: {} };`);
    writeFileSync(
      join(dir, "sfn.config.json"),
      JSON.stringify({ name: "Greeter", contract: "contract.json", entry: "other.mjs" }),
    );
    await expect(loadService(loadServiceConfig(dir))).rejects.toThrow(/exports service 'Other'/);
  });

  describe("language", () => {
    const python = (entry: string, extra: Record<string, unknown> = {}) =>
      write({
        "sfn.config.json": { name: "Greeter", contract: "contract.json", entry, ...extra },
        "contract.json": contract,
        "greeter/__init__.py": "",
        "greeter/service.py": "",
      });

    it("is node by default, and python for a .py entry (class: the service name, or after ':')", () => {
      write({
        "sfn.config.json": { name: "Greeter", contract: "contract.json", entry: "service.mjs" },
        "contract.json": contract,
        "service.mjs": "",
      });
      expect(loadServiceConfig(dir)).toMatchObject({ language: "node" });
      expect(loadServiceConfig(dir).python).toBeUndefined();
      const inferred = loadServiceConfig(python("greeter/service.py"));
      expect(inferred).toMatchObject({
        language: "python",
        entry: join(dir, "greeter/service.py"),
        python: { module: "greeter.service", attribute: "Greeter", spec: "greeter.service:Greeter" },
      });
      expect(
        loadServiceConfig(python("./greeter/service.py:GreeterImpl", { language: "python" })).python,
      ).toEqual({ module: "greeter.service", attribute: "GreeterImpl", spec: "greeter.service:GreeterImpl" });
      expect(loadServiceConfig(python("greeter/__init__.py")).python?.spec).toBe("greeter:Greeter");
    });

    it.each([
      [
        "an unknown language",
        "greeter/service.py",
        { language: "ruby" },
        /\/language must be equal to one of/,
      ],
      [
        "node with a .py entry",
        "greeter/service.py",
        { language: "node" },
        /is a Python module, but language is 'node'/,
      ],
      ["python with another entry", "greeter/service.js", { language: "python" }, /needs a Python entry/],
      ["a path that is no import path", "../greeter/service.py", {}, /every part must be an identifier/],
      ["a missing module", "greeter/other.py", {}, /entry greeter\/other\.py not found/],
      ["a class name that is no identifier", "greeter/service.py:Not-A-Class", {}, /not a Python class name/],
    ])("rejects %s with a ValidationError", (_title, entry, extra, message) => {
      const error = failure(python(entry, extra));
      expect(error).toMatchObject({ type: "ValidationError", code: "SFN_SERVICE_CONFIG_INVALID" });
      expect(error.message).toMatch(message);
    });

    it("the Node host refuses a Python service with the command that starts it", async () => {
      await expect(loadService(loadServiceConfig(python("greeter/service.py")))).rejects.toThrow(
        /python service is hosted by its own runtime.*python -m sfn_runtime greeter\.service:Greeter/,
      );
    });
  });
});

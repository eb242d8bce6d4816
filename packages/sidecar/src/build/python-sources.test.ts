import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { pythonSources } from "./python-sources.js";

function tree(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "sfn-python-sources-"));
  for (const path of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `# ${path}\n`);
  }
  return dir;
}

const paths = (dir: string, entry: string) =>
  pythonSources(dir, join(dir, entry))
    .map((file) => file.path)
    .sort();

describe("pythonSources", () => {
  it("takes the entry's top-level package, without caches, tests, venvs and dotfiles", () => {
    const dir = tree([
      "shop/__init__.py",
      "shop/service.py",
      "shop/py.typed",
      "shop/data/prices.json",
      "shop/orders/__init__.py",
      "shop/orders/model.py",
      "shop/__pycache__/service.cpython-311.pyc",
      "shop/orders/__pycache__/model.cpython-311.pyc",
      "shop/old.pyc",
      "shop/.env",
      "shop/.cache/x.py",
      "shop/tests/test_service.py",
      "shop/test/test_more.py",
      "shop/venv/bin/python.py",
      "tests/test_shop.py",
      ".venv/lib/site.py",
      "other/__init__.py",
      "setup.py",
    ]);
    expect(paths(dir, "shop/orders/model.py")).toEqual([
      "shop/__init__.py",
      "shop/data/prices.json",
      "shop/orders/__init__.py",
      "shop/orders/model.py",
      "shop/py.typed",
      "shop/service.py",
    ]);
  });

  it("takes a module at the service root alone, with its bytes", () => {
    const dir = tree(["service.py", "helpers.py", "tests/test_service.py"]);
    const files = pythonSources(dir, join(dir, "service.py"));
    expect(files.map((f) => [f.path, Buffer.from(f.content).toString()])).toEqual([
      ["service.py", "# service.py\n"],
    ]);
  });

  it("refuses links and a package named like the layer's glue, with a ValidationError", () => {
    const dir = tree(["shop/__init__.py", "shop/service.py", "generated/service.py"]);
    symlinkSync("/etc/passwd", join(dir, "shop", "passwd.py"));
    expect(() => pythonSources(dir, join(dir, "shop/service.py"))).toThrow(
      expect.objectContaining({
        type: "ValidationError",
        code: "SFN_BUILD_INVALID",
        message: expect.stringMatching(/shop\/passwd\.py is a link/),
      }),
    );
    expect(() => pythonSources(dir, join(dir, "generated/service.py"))).toThrow(
      expect.objectContaining({
        code: "SFN_BUILD_INVALID",
        message: expect.stringMatching(/collides with the layer's own generated\/ glue/),
      }),
    );
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { staleFiles } from "./output.js";

describe("staleFiles", () => {
  it("reports changed, missing and extra files, but not the bytecode a language's tools leave behind", () => {
    const root = mkdtempSync(join(tmpdir(), "sfn-codegen-output-"));
    const dir = join(root, "gen");
    mkdirSync(join(dir, "__pycache__"), { recursive: true });
    writeFileSync(join(dir, "a.py"), "old");
    writeFileSync(join(dir, "orphan.py"), "x");
    writeFileSync(join(dir, "__pycache__", "a.cpython-311.pyc"), "bytecode");
    const stale = staleFiles(
      root,
      [
        { path: "gen/a.py", content: "new" },
        { path: "gen/b.py", content: "b" },
      ],
      ["gen"],
    );
    expect(stale).toEqual([
      { path: "gen/a.py", reason: "changed" },
      { path: "gen/b.py", reason: "missing" },
      { path: "gen/orphan.py", reason: "extra" },
    ]);
  });
});

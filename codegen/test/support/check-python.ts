import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { snakeCase } from "../../src/core/naming.js";
import type { CheckPlan } from "./checks.js";
import { cacheRoot, requireTool, run, workDir, write } from "./toolchain.js";

/** Pinned check tools, installed into the venv (the marker file holds this text). */
const REQUIREMENTS = "mypy==1.15.0 pytest==8.3.5";

/** A venv with mypy and pytest under the cache dir; created once from PyPI, reused afterwards. */
export function ensureVenv(): string {
  const python = requireTool("python3", "install Python 3.10+ (python3 with the venv module)");
  const venv = join(cacheRoot, "venvs", "codegen");
  const marker = join(venv, "sfn-requirements.txt");
  const bin = join(venv, "bin", "python");
  if (existsSync(bin) && existsSync(marker) && readFileSync(marker, "utf8") === REQUIREMENTS) return bin;
  run(python, ["-m", "venv", venv], cacheRoot);
  run(
    bin,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", ...REQUIREMENTS.split(" ")],
    cacheRoot,
  );
  write(marker, REQUIREMENTS);
  return bin;
}

/** `python -m mypy --strict` over every unit and the test module, then `python -m pytest` (round trips, extras). */
export function checkPython(plan: CheckPlan): string {
  const python = ensureVenv();
  const dir = workDir("python");
  for (const u of plan.units) {
    const parts = u.dir.split("/");
    for (let i = 1; i < parts.length; i++) {
      const init = join(dir, ...parts.slice(0, i), "__init__.py");
      if (!existsSync(init)) write(init, "");
    }
    for (const f of u.files) write(join(dir, u.dir, f.name), f.content);
    if (!u.files.some((f) => f.name === "__init__.py")) write(join(dir, u.dir, "__init__.py"), "");
  }
  const cases = plan.cases.map(
    (c) =>
      `    (${JSON.stringify(c.module)}, ${JSON.stringify(snakeCase(c.type))}, ${JSON.stringify(c.input)}, ${JSON.stringify(c.output)}),`,
  );
  const ids = plan.cases.map((c) => JSON.stringify(`${c.module}.${c.type}:${basename(c.input)}`));
  const extras = Object.keys(plan.extra ?? {}).map((n) => n.replace(/\.py$/, "").replace(/\//g, "."));
  write(join(dir, "test_roundtrip.py"), pytestModule(cases, ids, extras));
  for (const [name, content] of Object.entries(plan.extra ?? {})) write(join(dir, name), content);
  const roots = [...new Set(plan.units.map((u) => u.dir.split("/")[0]!))];
  const mypy = run(
    python,
    [
      "-m",
      "mypy",
      "--strict",
      "--no-incremental",
      ...roots,
      "test_roundtrip.py",
      ...Object.keys(plan.extra ?? {}),
    ],
    dir,
  ).stdout;
  const pytest = run(
    python,
    ["-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "test_roundtrip.py"],
    dir,
  ).stdout;
  return `python -m mypy --strict: ${mypy.trim()}\npython -m pytest: ${pytest.trim().split("\n").pop()}`;
}

/**
 * The pytest module: one parametrised test per fixture (parse with `<type>_from_dict`, write
 * `<type>_to_dict` for the semantic comparison in vitest, and check that parsing the written dict again
 * gives an equal value), plus one test per extra script (`main()`).
 */
function pytestModule(cases: string[], ids: string[], extras: string[]): string {
  return `import importlib
import json
from typing import Any

import pytest

CASES = [
${cases.join("\n")}
]
IDS = [${ids.join(", ")}]
EXTRAS: list[str] = ${JSON.stringify(extras)}


@pytest.mark.parametrize(("module", "name", "source", "target"), CASES, ids=IDS)
def test_round_trip(module: str, name: str, source: str, target: str) -> None:
    m = importlib.import_module(module)
    from_dict: Any = getattr(m, f"{name}_from_dict")
    to_dict: Any = getattr(m, f"{name}_to_dict")
    with open(source, encoding="utf-8") as f:
        data = json.load(f)
    value = from_dict(data)
    written = to_dict(value)
    with open(target, "w", encoding="utf-8") as f:
        json.dump(written, f)
    assert from_dict(json.loads(json.dumps(written))) == value


@pytest.mark.parametrize("extra", EXTRAS)
def test_extra(extra: str) -> None:
    importlib.import_module(extra).main()
`;
}

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { snakeCase } from "../../src/core/naming.js";
import type { CheckPlan } from "./checks.js";
import { cacheRoot, requireTool, run, workDir, write } from "./toolchain.js";

const REQUIREMENTS = "mypy==1.15.0";

/** A venv with mypy under the cache dir; created once from PyPI, reused afterwards. */
export function ensureVenv(): string {
  const python = requireTool("python3", "install Python 3.10+ (python3 with the venv module)");
  const venv = join(cacheRoot, "venvs", "codegen");
  const marker = join(venv, "sfn-requirements.txt");
  const bin = join(venv, "bin", "python");
  if (existsSync(bin) && existsSync(marker) && readFileSync(marker, "utf8") === REQUIREMENTS) return bin;
  run(python, ["-m", "venv", venv], cacheRoot);
  run(bin, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENTS], cacheRoot);
  write(marker, REQUIREMENTS);
  return bin;
}

/** mypy --strict over every unit and the driver, then the round trips and extra scripts. */
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
  const extras = Object.keys(plan.extra ?? {}).map((n) => n.replace(/\.py$/, "").replace(/\//g, "."));
  write(
    join(dir, "roundtrip.py"),
    `import importlib\nimport json\n\nCASES = [\n${cases.join("\n")}\n]\n\n\ndef main() -> None:\n    for module, name, source, target in CASES:\n        m = importlib.import_module(module)\n        with open(source, encoding="utf-8") as f:\n            data = json.load(f)\n        value = getattr(m, f"{name}_from_dict")(data)\n        with open(target, "w", encoding="utf-8") as f:\n            json.dump(getattr(m, f"{name}_to_dict")(value), f)\n    extras: list[str] = ${JSON.stringify(extras)}\n    for extra in extras:\n        importlib.import_module(extra).main()\n    print(f"python: {len(CASES)} round trips")\n\n\nif __name__ == "__main__":\n    main()\n`,
  );
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
      "roundtrip.py",
      ...Object.keys(plan.extra ?? {}),
    ],
    dir,
  ).stdout;
  const rt = run(python, ["roundtrip.py"], dir).stdout;
  return `${mypy}\n${rt}`;
}

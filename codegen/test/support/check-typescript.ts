import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CheckPlan } from "./checks.js";
import { packageRoot, repoRoot, run, workDir, write } from "./toolchain.js";

/**
 * `tsc` (strict, NodeNext, erasable syntax only) over every unit and the fixtures (as `satisfies` literals of
 * their generated types), then the round trips and dispatch checks under node.
 */
export function checkTypeScript(plan: CheckPlan): string {
  const dir = workDir("typescript", join(packageRoot, ".cache", "work"));
  write(
    join(dir, "tsconfig.json"),
    readFileSync(join(packageRoot, "test/toolchains/typescript/tsconfig.json"), "utf8"),
  );
  write(join(dir, "package.json"), '{ "type": "module", "private": true }\n');
  for (const u of plan.units)
    for (const f of u.files) if (f.name.endsWith(".ts")) write(join(dir, "src", u.dir, f.name), f.content);
  const imports = plan.cases.map((c, i) => `import type { ${c.type} as T${i} } from "./${c.module}";`);
  // Each fixture is also embedded as a literal that must `satisfies` its generated type, so tsc checks the
  // fixture against the types (required members, enum literals, nullability, closed objects' excess
  // properties) — the runtime trip alone could not fail for erased types.
  const literals = plan.cases.map(
    (c, i) => `const fixture${i} = ${readFileSync(c.input, "utf8").trim()} satisfies T${i};`,
  );
  const trips = plan.cases.map(
    (c, i) =>
      `trip(${JSON.stringify(c.input)}, ${JSON.stringify(c.output)}, fixture${i}, (s) => JSON.stringify(JSON.parse(s) as T${i}));`,
  );
  const extras = Object.keys(plan.extra ?? {}).map(
    (n, i) => `import { main as extra${i} } from "./${n.replace(/\.ts$/, ".js")}";`,
  );
  write(
    join(dir, "src/roundtrip.ts"),
    `import { readFileSync, writeFileSync } from "node:fs";\n${imports.join("\n")}\n${extras.join("\n")}\n\nfunction trip(input: string, output: string, literal: unknown, f: (s: string) => string): void {\n  const text = readFileSync(input, "utf8");\n  if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(literal)) throw new Error(\`\${input}: embedded literal differs\`);\n  writeFileSync(output, f(text));\n}\n\n${literals.join("\n")}\n${trips.join("\n")}\n${extras.map((_, i) => `await extra${i}();`).join("\n")}\nconsole.log("typescript: ${plan.cases.length} round trips");\n`,
  );
  for (const [name, content] of Object.entries(plan.extra ?? {})) write(join(dir, "src", name), content);
  const tsc = join(repoRoot, "node_modules/.bin/tsc");
  const compiled = run(tsc, ["-p", "."], dir);
  const node = run(process.execPath, ["out/roundtrip.js"], dir);
  return `${compiled.stdout}${node.stdout}`;
}

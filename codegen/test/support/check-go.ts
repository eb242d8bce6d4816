import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CheckPlan } from "./checks.js";
import { packageRoot, requireTool, run, workDir, write } from "./toolchain.js";

/** Where Go lives when it is not on PATH (the official tarball's location). */
const GO_FALLBACKS = ["/usr/local/go/bin"];

/** go vet + gofmt + go test (round trips) in one module; returns the tool output. */
export function checkGo(plan: CheckPlan): string {
  const go = requireTool("go", "install Go 1.24+ (the generated code uses `omitzero`)", GO_FALLBACKS);
  const gofmt = join(dirname(go), "gofmt");
  const env = { PATH: `${dirname(go)}:${process.env.PATH ?? ""}` };
  const dir = workDir("go");
  write(join(dir, "go.mod"), readFileSync(join(packageRoot, "test/toolchains/go/go.mod"), "utf8"));
  for (const u of plan.units) for (const f of u.files) write(join(dir, u.dir, f.name), f.content);
  const modules = [...new Set(plan.cases.map((c) => c.module))];
  const imports = modules.map((m, i) => `\tp${i} "sfn.dev/codegen-check/${m}"`);
  const cases = plan.cases.map((c) => {
    const p = `p${modules.indexOf(c.module)}`;
    return `\t\t{${JSON.stringify(`${c.module}.${c.type}`)}, ${JSON.stringify(c.input)}, ${JSON.stringify(c.output)}, func(b []byte) ([]byte, error) {\n\t\t\tv, err := ${p}.Unmarshal${c.type}(b)\n\t\t\tif err != nil {\n\t\t\t\treturn nil, err\n\t\t\t}\n\t\t\treturn v.Marshal()\n\t\t}},`;
  });
  write(
    join(dir, "roundtrip/roundtrip_test.go"),
    `package roundtrip\n\nimport (\n\t"os"\n\t"testing"\n\n${imports.join("\n")}\n)\n\nfunc TestRoundTrip(t *testing.T) {\n\tcases := []struct {\n\t\tname, in, out string\n\t\tfn            func([]byte) ([]byte, error)\n\t}{\n${cases.join("\n")}\n\t}\n\tfor _, c := range cases {\n\t\tdata, err := os.ReadFile(c.in)\n\t\tif err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n\t\tout, err := c.fn(data)\n\t\tif err != nil {\n\t\t\tt.Errorf("%s: %v", c.name, err)\n\t\t\tcontinue\n\t\t}\n\t\tif err := os.WriteFile(c.out, out, 0o644); err != nil {\n\t\t\tt.Fatal(err)\n\t\t}\n\t}\n}\n`,
  );
  for (const [name, content] of Object.entries(plan.extra ?? {})) write(join(dir, name), content);
  const out: string[] = [];
  out.push(run(go, ["version"], dir, env).stdout.trim());
  out.push(`go vet ./...: ${run(go, ["vet", "./..."], dir, env).stderr.trim() || "ok"}`);
  const unformatted = run(gofmt, ["-l", ...plan.units.map((u) => u.dir)], dir, env).stdout.trim();
  if (unformatted !== "") throw new Error(`gofmt would reformat generated Go files:\n${unformatted}`);
  out.push(run(go, ["test", "-count=1", "./..."], dir, env).stdout);
  return out.join("\n");
}

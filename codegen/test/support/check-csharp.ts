import { join } from "node:path";
import type { CheckPlan } from "./checks.js";
import { requireTool, run, which, workDir, write } from "./toolchain.js";

export const NEWTONSOFT_DLL = "/usr/lib/cli/Newtonsoft.Json-5.0/Newtonsoft.Json.dll";

/** Which C# compilers exist here: a .NET SDK (`dotnet`) or Debian's Mono (`mcs`). */
export function csharpToolchains(): { dotnet: boolean; mono: boolean } {
  return { dotnet: which("dotnet") !== undefined, mono: which("mcs") !== undefined };
}

/** `mcs --version`, e.g. "Mono C# compiler version 6.8.0.105". */
export function monoCompilerVersion(): string {
  return run("mcs", ["--version"], process.cwd()).stdout.trim();
}

/**
 * Compiles the Newtonsoft / C# 6 units with Mono's `mcs -langversion:6` and runs the round trips with
 * `mono`. (Debian packages: mono-mcs, mono-runtime, libnewtonsoft-json-cil-dev.)
 */
export function checkCSharpMono(plan: CheckPlan): string {
  requireTool("mcs", "apt-get install -y mono-mcs libnewtonsoft-json-cil-dev");
  requireTool("mono", "apt-get install -y mono-runtime");
  const dir = workDir("csharp");
  const sources: string[] = [];
  for (const u of plan.units)
    for (const f of u.files)
      if (f.name.endsWith(".cs")) {
        const path = join(dir, u.dir, f.name);
        write(path, f.content);
        sources.push(path);
      }
  const cases = plan.cases.map(
    (c) =>
      `            Trip(${JSON.stringify(c.input)}, ${JSON.stringify(c.output)}, s => ${c.module}.Serialize.ToJson(${c.module}.${c.type}.FromJson(s)));`,
  );
  const extraCalls = Object.keys(plan.extra ?? {}).map(
    (n) => `            ${n.replace(/\.cs$/, "").replace(/\//g, ".")}.Run();`,
  );
  write(
    join(dir, "Program.cs"),
    `using System;\nusing System.IO;\n\nnamespace Sfn.Check\n{\n    public static class Program\n    {\n        static void Trip(string input, string output, Func<string, string> trip)\n        {\n            File.WriteAllText(output, trip(File.ReadAllText(input)));\n        }\n\n        public static int Main()\n        {\n${cases.join("\n")}\n${extraCalls.join("\n")}\n            Console.WriteLine("csharp: ${plan.cases.length} round trips");\n            return 0;\n        }\n    }\n}\n`,
  );
  sources.push(join(dir, "Program.cs"));
  for (const [name, content] of Object.entries(plan.extra ?? {})) {
    write(join(dir, "extra", name), content);
    sources.push(join(dir, "extra", name));
  }
  const exe = join(dir, "check.exe");
  const mcs = run(
    "mcs",
    [
      "-langversion:6",
      "-nowarn:1591",
      `-out:${exe}`,
      `-r:${NEWTONSOFT_DLL}`,
      "-r:System.Numerics",
      ...sources,
    ],
    dir,
  );
  const mono = run("mono", [exe], dir, { MONO_PATH: "/usr/lib/cli/Newtonsoft.Json-5.0" });
  return `${mcs.stdout}${mcs.stderr}\n${mono.stdout}`;
}

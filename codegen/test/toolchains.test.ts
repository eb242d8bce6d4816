// Every language's own toolchain compiles the platform bindings and the two sample contracts (types,
// client, handler glue), round-trips the JSON fixtures through the generated types, and runs the
// generated dispatchers over shared scenarios. One toolchain run per language.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ContractLanguage } from "../src/contract/options.js";
import type { GeneratedFile } from "../src/core/generated-file.js";
import { generatePlatform } from "../src/platform/generate.js";
import type { PlatformLanguage } from "../src/platform/targets.js";
import { checkCSharpMono, csharpToolchains, monoCompilerVersion } from "./support/check-csharp.js";
import { checkGo } from "./support/check-go.js";
import { checkJava } from "./support/check-java.js";
import { checkPython } from "./support/check-python.js";
import { checkTypeScript } from "./support/check-typescript.js";
import type { CheckPlan } from "./support/checks.js";
import { CONTRACT_FIXTURES, contractUnits, extraSource, SCENARIOS } from "./support/contract-plan.js";
import { jsonDifferences } from "./support/json-equal.js";
import { PLATFORM_FIXTURES, platformPlan } from "./support/platform-plan.js";
import { cacheRoot, fixtures, readJson, workDir } from "./support/toolchain.js";

let platform: GeneratedFile[] = [];
const outDir = join(cacheRoot, "codegen-work", "out");

beforeAll(async () => {
  platform = await generatePlatform();
  workDir("out");
  mkdirSync(outDir, { recursive: true });
});

async function plan(
  platformLang: PlatformLanguage,
  contractLang: ContractLanguage,
  extra: Record<string, string>,
): Promise<CheckPlan> {
  const p = platformPlan(platformLang, platform, outDir);
  const c = await contractUnits(contractLang, outDir, platformLang);
  return { units: [p.unit, ...c.units], cases: [...p.cases, ...c.cases], extra };
}

interface Scenario {
  id: string;
  expect: { status: string; type?: string; code?: string; violations?: string[]; result?: unknown };
}

function expectResults(lang: string): void {
  for (const dir of [PLATFORM_FIXTURES, CONTRACT_FIXTURES])
    for (const f of fixtures(dir)) {
      const back = JSON.parse(readFileSync(join(outDir, `${lang}.${f.name}`), "utf8"));
      expect(
        jsonDifferences(readJson(f.input), back, "", OPTIONAL_NULLABLE),
        `${lang} round trip of ${f.name}`,
      ).toEqual([]);
    }
  for (const s of readJson(SCENARIOS) as Scenario[]) {
    const reply = JSON.parse(readFileSync(join(outDir, `${lang}.dispatch.${s.id}.json`), "utf8"));
    expect(reply.status, `${lang} ${s.id}`).toBe(s.expect.status);
    if (s.expect.status === "success")
      expect(jsonDifferences(s.expect.result, reply.result), `${lang} ${s.id}`).toEqual([]);
    else {
      expect([reply.error.type, reply.error.code], `${lang} ${s.id}`).toEqual([s.expect.type, s.expect.code]);
      if (s.expect.violations) {
        const got = (reply.error.details.violations as { path: string; keyword: string }[])
          .map((v) => `${v.path} ${v.keyword}`)
          .sort();
        expect(got, `${lang} ${s.id}`).toEqual(s.expect.violations);
      }
    }
  }
  expect(readJson(join(outDir, `${lang}.client.json`)), `${lang} client`).toEqual({
    userId: "0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a",
  });
  const produced = readdirSync(outDir).filter((n) => n.startsWith(`${lang}.`)).length;
  console.log(`${lang}: ${produced} outputs checked`);
}

const TIMEOUT = 600_000;
/** Optional and nullable properties of the sample contracts (null and absent are not kept apart). */
const OPTIONAL_NULLABLE = /^(\/lines\/\d+\/note|(\/children\/\d+)*\/parent)$/;

describe("generated code compiles and round-trips with each language's toolchain", () => {
  it("TypeScript: tsc --strict, then node", { timeout: TIMEOUT }, async () => {
    console.log(
      checkTypeScript(
        await plan("typescript", "typescript", {
          "dispatch-check.ts": extraSource("typescript", "dispatch-check.ts", outDir),
        }),
      ),
    );
    expectResults("typescript");
  });

  it("Python: python -m mypy --strict, then pytest round trips", { timeout: TIMEOUT }, async () => {
    console.log(
      checkPython(
        await plan("python", "python", {
          "dispatch_check.py": extraSource("python", "dispatch_check.py", outDir),
        }),
      ),
    );
    expectResults("python");
  });

  it("Go: go vet, gofmt -l, go test", { timeout: TIMEOUT }, async () => {
    console.log(
      checkGo(
        await plan("go", "go", {
          "dispatchcheck/dispatch_test.go": extraSource("go", "dispatch_test.go", outDir),
        }),
      ),
    );
    expectResults("go");
  });

  it("Java: mvn -q test (Jackson + jsr310 from Maven Central)", { timeout: TIMEOUT }, async () => {
    console.log(
      checkJava(
        await plan("java", "java", {
          "dev/sfn/check/DispatchTest.java": extraSource("java", "DispatchTest.java", outDir),
        }),
      ),
    );
    expectResults("java");
  });

  it("C#: Newtonsoft/C# 6 output with Mono mcs + mono; System.Text.Json output reported, not compiled", {
    timeout: TIMEOUT,
  }, async () => {
    const tools = csharpToolchains();
    console.log(
      tools.dotnet
        ? "C#: a .NET SDK is present but this suite does not build the System.Text.Json output with it yet"
        : "C#: .NET SDK NOT available on this machine (no `dotnet`): the System.Text.Json output is NOT compiled; using Mono instead",
    );
    console.log(
      checkCSharpMono(
        await plan("csharp-newtonsoft", "csharp", {
          "DispatchCheck.cs": extraSource("csharp", "DispatchCheck.cs", outDir),
        }),
      ),
    );
    console.log(
      `C#: Newtonsoft output (platform + contracts + glue) compiled with Mono (${monoCompilerVersion()}, -langversion:6) and run with mono`,
    );
    expectResults("csharp-newtonsoft");
  });
});

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashText } from "../../src/core/hash.js";
import type { CheckPlan } from "./checks.js";
import { cacheRoot, packageRoot, requireTool, run, workDir, write } from "./toolchain.js";

/**
 * `mvn -q test` over every unit plus a JUnit round-trip test. Jackson comes from Maven Central on the
 * first run; later runs are offline (`-o`) once a run with this pom succeeded.
 */
export function checkJava(plan: CheckPlan): string {
  requireTool("java", "install a JDK 17+");
  requireTool("mvn", "install Maven 3.8+");
  const dir = workDir("java");
  const pom = readFileSync(join(packageRoot, "test/toolchains/java/pom.xml"), "utf8");
  const jackson = /<jackson\.version>([^<]+)</.exec(pom)?.[1] ?? "?";
  write(join(dir, "pom.xml"), pom);
  for (const u of plan.units)
    for (const f of u.files)
      if (f.name.endsWith(".java")) write(join(dir, "src/main/java", u.dir, f.name), f.content);
  const cases = plan.cases.map(
    (c) =>
      `        roundTrip(${JSON.stringify(c.input)}, ${JSON.stringify(c.output)}, s -> ${c.module}.Converter.${c.type}ToJsonString(${c.module}.Converter.${c.type}FromJsonString(s)));`,
  );
  write(
    join(dir, "src/test/java/dev/sfn/check/RoundTripTest.java"),
    `package dev.sfn.check;\n\nimport java.nio.charset.StandardCharsets;\nimport java.nio.file.Files;\nimport java.nio.file.Path;\nimport org.junit.jupiter.api.Test;\n\nclass RoundTripTest {\n    interface Trip {\n        String apply(String json) throws Exception;\n    }\n\n    private static void roundTrip(String in, String out, Trip trip) throws Exception {\n        String json = Files.readString(Path.of(in), StandardCharsets.UTF_8);\n        Files.writeString(Path.of(out), trip.apply(json), StandardCharsets.UTF_8);\n    }\n\n    @Test\n    void roundTrips() throws Exception {\n${cases.join("\n")}\n    }\n}\n`,
  );
  for (const [name, content] of Object.entries(plan.extra ?? {}))
    write(join(dir, "src/test/java", name), content);
  const marker = join(cacheRoot, "maven", `${hashText(pom).slice(7, 23)}.ok`);
  // JIT tiers 1 only: Maven's own start-up dominates this small build (about a third faster here).
  const env = {
    MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ""} -XX:+TieredCompilation -XX:TieredStopAtLevel=1`.trim(),
  };
  const online = ["-q", "-B", "test"];
  const offline = ["-q", "-B", "-o", "test"];
  let note = "online: Maven Central";
  let result: { stdout: string };
  if (existsSync(marker)) {
    try {
      result = run("mvn", offline, dir, env);
      note = "offline, artifacts cached in ~/.m2";
    } catch (e) {
      // The local repository lost an artifact since the marker was written: fetch again, don't fail.
      if (!/offline|Cannot access|could not be resolved/i.test((e as Error).message)) throw e;
      result = run("mvn", online, dir, env);
      note = "online: the offline run missed artifacts";
    }
  } else result = run("mvn", online, dir, env);
  write(marker, "ok\n");
  return `mvn -q test (${note}; Jackson ${jackson})\n${result.stdout}`;
}

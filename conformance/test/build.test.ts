// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} is the runtime files' variable syntax, not a template literal
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildRuntime } from "../src/env/runtime-process.js";
import type { RuntimeSpec } from "../src/model.js";

// The build step of conformance/runtimes/<language>.json, which `sfn conformance` runs unless --no-build
// (the suite's integration test passes --no-build because turbo has built the runtimes by then).
const spec = (build: RuntimeSpec["build"]): RuntimeSpec => ({
  language: "demo",
  status: "available",
  workdir: ".",
  entrypoint: "x",
  build,
  launch: {
    command: "true",
    readiness: { url: "http://127.0.0.1:1/readyz", timeoutMs: 1 },
    shutdown: { signal: "SIGTERM", graceMs: 1 },
  },
});

// Appends "<text> <cwd>" to ${DIR}/log: the path comes through the variables; cwd is relative to the repository.
const append = (text: string) => ({
  command: process.execPath,
  args: [
    "-e",
    `require("node:fs").appendFileSync(process.argv[1] + "/log", "${text} " + process.cwd() + "\\n")`,
    "${DIR}",
  ],
  cwd: "build",
});

describe("buildRuntime", () => {
  it("runs the commands in order, in their directories, with the variables expanded", async () => {
    const repo = mkdtempSync(join(tmpdir(), "sfn-conformance-build-"));
    const dir = join(repo, "out");
    mkdirSync(dir);
    mkdirSync(join(repo, "build"));
    await buildRuntime(spec([append("one"), append("two")]), repo, { DIR: dir });
    expect(readFileSync(join(dir, "log"), "utf8")).toBe(`one ${repo}/build\ntwo ${repo}/build\n`);
  });

  it("stops at the first failing command and reports its exit code and its last output", async () => {
    const repo = mkdtempSync(join(tmpdir(), "sfn-conformance-build-"));
    mkdirSync(join(repo, "build"));
    const failing = {
      command: process.execPath,
      args: ["-e", 'console.error("tsc: 3 errors"); process.exit(3)'],
    };
    const run = buildRuntime(spec([failing, append("never")]), repo, { DIR: repo });
    await expect(run).rejects.toThrow(/^build of demo failed \(.+ -e .+: exit 3\)\ntsc: 3 errors$/);
    expect(() => readFileSync(join(repo, "log"))).toThrow(/ENOENT/);
  });

  it("a command that does not exist is a build failure (exit 127), not a crash", async () => {
    await expect(buildRuntime(spec([{ command: "sfn-no-such-build-tool" }]), "/", {})).rejects.toThrow(
      "build of demo failed (sfn-no-such-build-tool : exit 127)",
    );
  });
});

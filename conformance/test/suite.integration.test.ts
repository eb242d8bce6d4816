import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSuite } from "../src/load/repository.js";
import { conformanceDir, runCli } from "./support/run-cli.js";

const suite = loadSuite(conformanceDir);
const available = [...suite.runtimes.values()].filter((r) => r.status === "available").map((r) => r.language);
const scratch = mkdtempSync(join(tmpdir(), "sfn-conformance-test-"));

const failing = (report: Awaited<ReturnType<typeof runCli>>["report"]) =>
  report.results
    .filter((r) => r.state === "FAIL")
    .map((r) => r.id)
    .sort();

describe("sfn conformance", () => {
  // The README test command's run: every available runtime, the matrix printed, JUnit for the summary.
  // --no-build: turbo built the runtimes before this task (@sfn/runtime-node is a devDependency, so
  // `^build` covers the packages it imports). The runtimes' own build step — a nested `turbo run build` —
  // would rewrite dist/ files that the tasks running beside this one are loading at that moment (it made
  // runtime-node's integration config fail to find @sfn/testkit/dist/vitest.js on a loaded machine).
  it("every available runtime passes every case it does not skip; node runs all of them", async () => {
    expect(available).toContain("node");
    const { code, report } = await runCli(
      [
        "--lang",
        available.join(","),
        "--no-build",
        "--junit",
        join(conformanceDir, "test-results", "conformance.xml"),
        "--html",
        join(conformanceDir, "test-results", "conformance", "report.html"),
      ],
      join(conformanceDir, "test-results", "conformance", "report.json"),
    );
    const unexpected = report.results.filter((r) => r.state === "FAIL" || r.state === "XPASS");
    expect(unexpected.map((r) => `${r.language} ${r.id}: ${r.reason}`)).toEqual([]);
    expect(code).toBe(0);
    const node = report.results.filter((r) => r.language === "node");
    expect(node).toHaveLength(suite.cases.length);
    const nodeExpected = new Set(suite.capabilities.get("node")?.expectedFailures.map((e) => e.case));
    for (const r of node) expect(r.state, r.id).toBe(nodeExpected.has(r.id) ? "xfail" : "pass");
    for (const language of available) {
      const claimed = new Set(suite.capabilities.get(language)?.capabilities ?? []);
      for (const c of suite.cases) {
        const r = report.results.find((x) => x.language === language && x.id === c.id);
        const missing = c.requires.filter((cap) => !claimed.has(cap));
        if (missing.length > 0) expect(r?.state, `${language} ${c.id}`).toBe("skip");
        else expect(["pass", "xfail"], `${language} ${c.id}`).toContain(r?.state);
      }
    }
  });

  // Acceptance: a deliberately broken runtime makes the suite fail, with the right case ids.
  it("a Node service without exactly-once effects fails the dedup cases and nothing else", async () => {
    const { code, report } = await runCli(
      [
        "--lang",
        "node",
        "--no-build",
        "--case",
        "delivery.dedup.*,runtime.call.echo-success",
        "--runtime-env",
        "SFN_CONFORMANCE_BREAK=no-dedup",
      ],
      join(scratch, "no-dedup.json"),
    );
    expect(code).toBe(1);
    expect(failing(report)).toEqual([
      "delivery.dedup.concurrent-duplicates",
      "delivery.dedup.duplicate-callid",
      "delivery.dedup.reply-to-new-topic",
    ]);
    expect(report.results.find((r) => r.id === "runtime.call.echo-success")?.state).toBe("pass");
  });

  it("a Node service that acknowledges before processing loses calls under kill -9 and does not drain", async () => {
    const { code, report } = await runCli(
      [
        "--lang",
        "node",
        "--no-build",
        "--case",
        "delivery.kill.inflight-no-loss,delivery.shutdown.graceful-drain,delivery.dedup.duplicate-callid,runtime.call.echo-success",
        "--runtime-env",
        "SFN_CONFORMANCE_BREAK=ack-before-processing",
      ],
      join(scratch, "ack-before-processing.json"),
    );
    expect(code).toBe(1);
    expect(failing(report)).toEqual(["delivery.kill.inflight-no-loss", "delivery.shutdown.graceful-drain"]);
  });
});

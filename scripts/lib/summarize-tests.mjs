// Adds up the test reports that this run wrote in every workspace package's test-results/ — vitest JSON
// (*.json) and JUnit XML from the other languages' runners (*.xml: pytest, Surefire, go-junit-report) — and prints the closing line CI reads: "tests: N passed, N failed, N skipped". Exits 1 when a test
// failed or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Folders that are one workspace package, and folders whose subfolders are packages.
const singlePackages = ["codegen", "conformance"];
const packageParents = ["packages", "runtimes", "examples"];
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];

const subfolders = (root) =>
  existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(root, entry.name))
    : [];

for (const dir of [...singlePackages, ...packageParents.flatMap(subfolders)]) {
  const results = join(dir, "test-results");
  if (!existsSync(results)) continue;
  for (const file of readdirSync(results).filter((name) => /\.(json|xml)$/.test(name)).sort()) {
    const text = readFileSync(join(results, file), "utf8");
    const counts = file.endsWith(".json") ? fromVitestJson(text) : fromJUnitXml(text);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
    rows.push(
      `${`${dir} (${file.replace(/\.(json|xml)$/, "")})`.padEnd(56)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
}

function fromVitestJson(text) {
  const report = JSON.parse(text);
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Sums the <testsuite> elements' counters (nested suites are not double-counted: only leaf suites carry testcases). */
function fromJUnitXml(text) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [, attributes] of text.matchAll(/<testsuite\b([^>]*)>/g)) {
    const number = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attributes)?.[1] ?? 0);
    const tests = number("tests");
    const failed = number("failures") + number("errors");
    const skipped = number("skipped");
    counts.failed += failed;
    counts.skipped += skipped;
    counts.passed += Math.max(0, tests - failed - skipped);
  }
  return counts;
}

console.log("\nTest summary");
for (const row of rows) console.log(`  ${row}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.failed > 0 || totals.passed === 0) process.exit(1);

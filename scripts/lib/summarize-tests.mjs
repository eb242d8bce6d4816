// Adds up the test reports that this run wrote in every workspace package's test-results/ — vitest JSON
// (*.json) and JUnit XML from the other languages' runners (*.xml: pytest, Surefire, go-junit-report) — and prints the closing line CI reads: "tests: N passed, N failed, N skipped". Exits 1 when a test
// failed or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

// Folders that are one workspace package, and folders whose subfolders are packages.
const singlePackages = ["codegen", "conformance"];
const packageParents = ["packages", "runtimes", "examples"];
const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
// Failed tests with the start of their message, printed last: CI often shows only the tail of the log.
const failures = [];

const subfolders = (root) =>
  existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(root, entry.name))
    : [];

for (const dir of [...singlePackages, ...packageParents.flatMap(subfolders)]) {
  const results = join(dir, "test-results");
  if (!existsSync(results)) continue;
  for (const file of readdirSync(results)
    .filter((name) => /\.(json|xml)$/.test(name))
    .sort()) {
    const text = readFileSync(join(results, file), "utf8");
    const label = `${dir} (${file.replace(/\.(json|xml)$/, "")})`;
    const counts = file.endsWith(".json") ? fromVitestJson(text, label) : fromJUnitXml(text, label);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
    rows.push(
      `${`${dir} (${file.replace(/\.(json|xml)$/, "")})`.padEnd(56)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
}

function fromVitestJson(text, label) {
  const report = JSON.parse(text);
  for (const file of report.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).every((a) => a.status !== "failed"))
      failures.push(`${label} ${file.name}: ${firstLines(file.message)}`);
    for (const a of file.assertionResults ?? [])
      if (a.status === "failed")
        failures.push(`${label} ${a.fullName}: ${firstLines((a.failureMessages ?? []).join("\n"))}`);
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

/** Sums the <testsuite> elements' counters (nested suites are not double-counted: only leaf suites carry testcases). */
function fromJUnitXml(text, label) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [, attributes, body] of text.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const failure = /<(failure|error)\b([^>]*)>?([\s\S]*?)(?:<\/\1>|$)/.exec(body ?? "");
    if (!failure) continue;
    const name = /\bname="([^"]*)"/.exec(attributes)?.[1] ?? "?";
    const classname = /\bclassname="([^"]*)"/.exec(attributes)?.[1] ?? "";
    const message = /\bmessage="([^"]*)"/.exec(failure[2])?.[1] ?? failure[3];
    failures.push(`${label} ${classname}.${name}: ${firstLines(message)}`);
  }
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
if (failures.length > 0) {
  console.log("\nFailed tests");
  for (const failure of failures) console.log(`  ${failure}`);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.failed > 0 || totals.passed === 0) process.exit(1);

function firstLines(text = "") {
  const plain = stripVTControlCharacters(String(text)).trim();
  return plain.split("\n").slice(0, 6).join("\n    ");
}

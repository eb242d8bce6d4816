import type { CaseResult } from "../model.js";
import { byLanguage } from "./summary.js";

const xml = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

/**
 * JUnit XML: one <testsuite> per language (name `conformance.<lang>`), one <testcase> per case with the
 * case id verbatim as its name. FAIL and XPASS are <failure>s; skip and xfail are <skipped> with the
 * reason (an expected failure is not a failure of the run).
 */
export function formatJUnit(results: readonly CaseResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  for (const [language, cases] of byLanguage(results)) {
    const list = [...cases.values()];
    const failures = list.filter((r) => r.state === "FAIL" || r.state === "XPASS").length;
    const skipped = list.filter((r) => r.state === "skip" || r.state === "xfail").length;
    const time = list.reduce((n, r) => n + r.durationMs, 0) / 1000;
    out.push(
      `  <testsuite name="conformance.${xml(language)}" tests="${list.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
    );
    for (const r of list) {
      const open = `    <testcase classname="conformance.${xml(language)}" name="${xml(r.id)}" time="${(r.durationMs / 1000).toFixed(3)}"`;
      if (r.state === "pass") {
        out.push(`${open}/>`);
      } else if (r.state === "skip" || r.state === "xfail") {
        out.push(
          `${open}>`,
          `      <skipped message="${xml(`${r.state}: ${r.reason ?? ""}`)}"/>`,
          "    </testcase>",
        );
      } else {
        out.push(
          `${open}>`,
          `      <failure message="${xml(`${r.state}: ${r.reason ?? ""}`)}" type="${r.state}">${xml(r.failures.join("\n"))}</failure>`,
          "    </testcase>",
        );
      }
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

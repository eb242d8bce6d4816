import { describe, expect, it } from "vitest";
import type { CaseResult } from "../src/model.js";
import { formatJUnit } from "../src/report/junit.js";
import { formatMatrix } from "../src/report/matrix.js";
import { isUnexpected, totalsLine } from "../src/report/summary.js";

const r = (id: string, language: string, state: CaseResult["state"], reason?: string): CaseResult => ({
  id,
  language,
  state,
  reason,
  failures: state === "FAIL" || state === "xfail" ? [reason ?? ""] : [],
  notes: [],
  durationMs: 10,
  levels: [5],
});

const results = [
  r("runtime.call.echo-success", "node", "pass"),
  r("runtime.call.echo-success", "python", "pass"),
  r("runtime.receive.mqtt311-echo", "node", "pass"),
  r("runtime.receive.mqtt311-echo", "python", "xfail", "no 3.1.1 option yet"),
  r("nested.call.success", "node", "pass"),
  r("nested.call.success", "python", "skip", "requires nestedCalls"),
  r("delivery.kill.inflight-exactly-once", "node", "pass"),
  r("delivery.kill.inflight-exactly-once", "python", "FAIL", "replies: expected count 1000, got 997 <&>"),
];
const ids = [...new Set(results.map((x) => x.id))];

describe("reports", () => {
  it("the matrix has one row per case, one column per language, reasons and totals", () => {
    const text = formatMatrix(ids, ["node", "python"], results);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^case\s+node\s+python$/);
    expect(lines).toHaveLength(ids.length + 2);
    expect(text).toMatch(/nested\.call\.success\s+pass\s+skip\s+python: requires nestedCalls/);
    expect(lines.at(-1)).toContain("4/4 4 pass");
    expect(lines.at(-1)).toContain("1/3 1 pass · 1 xfail · 1 skip · 1 FAIL");
  });

  it("JUnit has one suite per language and the case id verbatim as the test name", () => {
    const xml = formatJUnit(results);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain(
      '<testsuite name="conformance.python" tests="4" failures="1" errors="0" skipped="2"',
    );
    expect(xml).toContain('name="delivery.kill.inflight-exactly-once"');
    expect(xml).toContain("got 997 &lt;&amp;&gt;");
  });

  it("only FAIL and XPASS are unexpected", () => {
    expect(results.filter(isUnexpected).map((x) => x.state)).toEqual(["FAIL"]);
    expect(isUnexpected(r("a.b.c", "node", "XPASS"))).toBe(true);
    expect(totalsLine([r("a.b.c", "node", "XPASS")])).toBe("0/1 0 pass · 1 XPASS");
  });
});

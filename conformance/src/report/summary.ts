import type { CaseResult, CaseState } from "../model.js";

export const STATES: readonly CaseState[] = ["pass", "FAIL", "xfail", "XPASS", "skip"];

/** Results by language, then by case id. */
export function byLanguage(results: readonly CaseResult[]): Map<string, Map<string, CaseResult>> {
  const out = new Map<string, Map<string, CaseResult>>();
  for (const r of results) {
    const cases = out.get(r.language) ?? new Map<string, CaseResult>();
    cases.set(r.id, r);
    out.set(r.language, cases);
  }
  return out;
}

export function countStates(results: Iterable<CaseResult>): Record<CaseState, number> {
  const counts: Record<CaseState, number> = { pass: 0, FAIL: 0, xfail: 0, XPASS: 0, skip: 0 };
  for (const r of results) counts[r.state] += 1;
  return counts;
}

/** FAIL and XPASS fail the run (an XPASS means a stale expectedFailures entry). */
export function isUnexpected(result: CaseResult): boolean {
  return result.state === "FAIL" || result.state === "XPASS";
}

export function totalsLine(results: Iterable<CaseResult>): string {
  const list = [...results];
  const c = countStates(list);
  const parts = [`${c.pass} pass`];
  if (c.xfail) parts.push(`${c.xfail} xfail`);
  if (c.skip) parts.push(`${c.skip} skip`);
  if (c.XPASS) parts.push(`${c.XPASS} XPASS`);
  if (c.FAIL) parts.push(`${c.FAIL} FAIL`);
  return `${c.pass}/${list.length - c.skip} ${parts.join(" · ")}`;
}

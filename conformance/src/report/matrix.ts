import type { CaseResult } from "../model.js";
import { byLanguage, totalsLine } from "./summary.js";

function cell(result: CaseResult | undefined): string {
  return result ? result.state : "-";
}

/**
 * The case × language matrix for the terminal: one row per case id, one column per language, the
 * reason of the last column's non-pass states after it, and a totals row.
 */
export function formatMatrix(
  caseIds: readonly string[],
  languages: readonly string[],
  results: readonly CaseResult[],
  width = 160,
): string {
  const grouped = byLanguage(results);
  const idWidth = Math.max(4, ...caseIds.map((id) => id.length)) + 2;
  const colWidth = Math.max(7, ...languages.map((l) => l.length)) + 2;
  const lines = [`${"case".padEnd(idWidth)}${languages.map((l) => l.padEnd(colWidth)).join("")}`.trimEnd()];
  for (const id of caseIds) {
    const row = languages.map((l) => grouped.get(l)?.get(id));
    const reasons = row
      .map((r, i) =>
        r && r.state !== "pass" && r.reason
          ? `${languages.length > 1 ? `${languages[i]}: ` : ""}${r.reason}`
          : "",
      )
      .filter((t) => t !== "")
      .join(" | ")
      .replace(/\s+/g, " ");
    let line = `${id.padEnd(idWidth)}${row.map((r) => cell(r).padEnd(colWidth)).join("")}${reasons}`;
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    lines.push(line.trimEnd());
  }
  const totals = languages.map((l) => totalsLine(grouped.get(l)?.values() ?? []));
  lines.push(`${"totals".padEnd(idWidth)}${totals.join("   ")}`);
  return lines.join("\n");
}

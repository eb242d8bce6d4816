import type { Case } from "../model.js";
import type { JsonReport } from "./json.js";
import { byLanguage, totalsLine } from "./summary.js";

const esc = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLOURS: Record<string, string> = {
  pass: "#1a7f37",
  FAIL: "#cf222e",
  xfail: "#9a6700",
  XPASS: "#cf222e",
  skip: "#6e7781",
};

/** A self-contained HTML report (no external assets): the matrix with every failure's details. */
export function formatHtml(report: JsonReport, cases: readonly Case[]): string {
  const grouped = byLanguage(report.results);
  const rows = cases
    .map((c) => {
      const cells = report.languages
        .map((l) => {
          const r = grouped.get(l)?.get(c.id);
          if (!r) return "<td>-</td>";
          const detail = r.failures.length > 0 ? r.failures : r.reason ? [r.reason] : [];
          const body = detail.length
            ? `<details><summary>${esc(r.state)}</summary><pre>${esc(detail.join("\n"))}</pre></details>`
            : esc(r.state);
          return `<td class="s-${esc(r.state)}">${body}</td>`;
        })
        .join("");
      return `<tr><th title="${esc(c.summary)}"><code>${esc(c.id)}</code><div class="sum">${esc(c.summary)}</div></th>${cells}</tr>`;
    })
    .join("\n");
  const totals = report.languages
    .map((l) => `<td>${esc(totalsLine(grouped.get(l)?.values() ?? []))}</td>`)
    .join("");
  const style = Object.entries(COLOURS)
    .map(([state, colour]) => `.s-${state}{color:${colour};font-weight:600}`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sfn conformance ${esc(report.runId)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th .sum{font-weight:400;color:#57606a;font-size:12px}pre{white-space:pre-wrap;max-width:60rem;font-size:12px}${style}</style>
</head><body>
<h1>sfn conformance</h1>
<p>Run <code>${esc(report.runId)}</code>, started ${esc(report.startedAt)}, ${(report.durationMs / 1000).toFixed(1)} s — ${report.ok ? "no unexpected failure" : "<strong>unexpected failures</strong>"}.</p>
<table><thead><tr><th>case</th>${report.languages.map((l) => `<th>${esc(l)}</th>`).join("")}</tr></thead>
<tbody>
${rows}
<tr><th>totals</th>${totals}</tr>
</tbody></table>
</body></html>
`;
}

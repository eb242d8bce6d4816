import type { CaseResult } from "../model.js";
import { byLanguage, countStates } from "./summary.js";

export interface JsonReport {
  runId: string;
  startedAt: string;
  durationMs: number;
  languages: string[];
  totals: Record<string, ReturnType<typeof countStates>>;
  results: CaseResult[];
  ok: boolean;
}

export function buildJsonReport(options: {
  runId: string;
  startedAt: Date;
  durationMs: number;
  languages: string[];
  results: CaseResult[];
  ok: boolean;
}): JsonReport {
  const totals: JsonReport["totals"] = {};
  for (const [language, cases] of byLanguage(options.results)) totals[language] = countStates(cases.values());
  return {
    runId: options.runId,
    startedAt: options.startedAt.toISOString(),
    durationMs: options.durationMs,
    languages: options.languages,
    totals,
    results: options.results,
    ok: options.ok,
  };
}

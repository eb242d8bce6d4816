import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ensureFixture } from "@sfn/testkit";
import { openRunDatabase } from "./env/database.js";
import { runLanguage } from "./exec/run-language.js";
import { conformanceRoot, loadSuite, repositoryRoot } from "./load/repository.js";
import { selectCases } from "./load/select.js";
import type { CaseResult } from "./model.js";
import type { ConformanceOptions } from "./options.js";
import { formatHtml } from "./report/html.js";
import { buildJsonReport, type JsonReport } from "./report/json.js";
import { formatJUnit } from "./report/junit.js";
import { formatMatrix } from "./report/matrix.js";
import { isUnexpected } from "./report/summary.js";
import { loadTokenVectors } from "./tokens/vectors.js";

export interface ConformanceRun {
  report: JsonReport;
  matrix: string;
  /** No FAIL and no XPASS. */
  ok: boolean;
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const SYMBOL: Record<string, string> = {
  pass: "ok   ",
  FAIL: "FAIL ",
  xfail: "xfail",
  XPASS: "XPASS",
  skip: "skip ",
};

/**
 * Runs the suite: the fixture (started or reused through @sfn/testkit, or external), one database for
 * the run, every selected language in parallel (each with its own broker, issuer, lanes, prefixes and
 * logical databases), then the matrix and the reports.
 */
export async function runConformance(
  options: ConformanceOptions,
  log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<ConformanceRun> {
  const started = new Date();
  const root = conformanceRoot();
  const suite = loadSuite(root);
  const cases = selectCases(suite.cases, options.cases);
  const languages = options.languages ?? [...suite.runtimes.keys()];
  for (const l of languages)
    if (!suite.runtimes.has(l)) throw new Error(`no runtime description conformance/runtimes/${l}.json`);
  const runId = randomBytes(4).toString("hex");
  const fixture = await ensureFixture({
    mode: options.fixture,
    log: options.progress ? (l) => log(l) : false,
  });
  log(`conformance run ${runId}: ${cases.length} case(s) × ${languages.join(", ")}`);
  const database = await openRunDatabase(fixture.SFN_DATABASE_URL, runId);
  const vectors = loadTokenVectors(root);
  let results: CaseResult[] = [];
  try {
    const perLanguage = await Promise.all(
      languages.map((language) =>
        runLanguage({
          runId,
          root,
          repoRoot: repositoryRoot(root),
          cases,
          runtime: suite.runtimes.get(language)!,
          capabilities: suite.capabilities.get(language),
          databaseUrl: database.url,
          pool: database.pool,
          externalMqttUrl: options.fixture === "external" ? fixture.SFN_MQTT_URL : undefined,
          vectors,
          lanes: options.lanes,
          updateGolden: options.updateGolden,
          runtimeEnv: options.runtimeEnv,
          build: options.build,
          onInfo: (line) => options.progress && log(line),
          onResult: (r) => {
            if (!options.progress) return;
            const why = r.state === "pass" ? "" : `  ${(r.reason ?? "").replace(/\s+/g, " ").slice(0, 200)}`;
            const notes = r.notes.length > 0 ? `  [${r.notes.join("; ")}]` : "";
            log(`[${r.language}] ${SYMBOL[r.state]} ${r.id} (${r.durationMs} ms)${why}${notes}`);
          },
        }),
      ),
    );
    results = perLanguage.flat();
  } finally {
    await database.dispose().catch(() => {});
  }
  const order = new Map(cases.map((c, i) => [c.id, i]));
  results.sort(
    (a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0) || a.language.localeCompare(b.language),
  );
  const ok = !results.some(isUnexpected);
  const report = buildJsonReport({
    runId,
    startedAt: started,
    durationMs: Date.now() - started.getTime(),
    languages,
    results,
    ok,
  });
  const matrix = formatMatrix(
    cases.map((c) => c.id),
    languages,
    results,
  );
  if (options.junit) write(options.junit, formatJUnit(results));
  if (options.json) write(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (options.html) write(options.html, formatHtml(report, cases));
  return { report, matrix, ok };
}

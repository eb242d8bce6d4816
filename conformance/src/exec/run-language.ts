import type pg from "pg";
import { type Broker, externalBroker, startPrivateBroker } from "../env/broker.js";
import { startPrivateIssuer } from "../env/issuer.js";
import { buildRuntime } from "../env/runtime-process.js";
import { checkGolden, emitted, isProtocolCase } from "../golden/golden.js";
import type { CapabilitySpec, Case, CaseResult, ProtocolLevel, RuntimeSpec } from "../model.js";
import type { TokenVector } from "../tokens/vectors.js";
import type { Lane } from "./lane.js";
import { closeLane, type LanePlace, openLane } from "./open-lane.js";
import { DEFAULT_CONFIG, type Job, planLanguage } from "./plan.js";
import { runCase } from "./run-case.js";

export interface LanguageOptions {
  runId: string;
  root: string;
  repoRoot: string;
  cases: readonly Case[];
  runtime: RuntimeSpec;
  capabilities: CapabilitySpec | undefined;
  databaseUrl: string;
  pool: pg.Pool;
  /** The external broker's URL with --fixture external; otherwise the runner starts its own. */
  externalMqttUrl: string | undefined;
  vectors: ReadonlyMap<string, TokenVector>;
  lanes: number;
  updateGolden: boolean;
  runtimeEnv: Readonly<Record<string, string>>;
  build: boolean;
  /** Live progress: called once per finished case. */
  onResult: (result: CaseResult) => void;
  onInfo: (line: string) => void;
}

interface JobOutcome {
  job: Job;
  failures: string[];
  notes: string[];
  durationMs: number;
}

/** Runs every selected case against one language and returns one result per case. */
export async function runLanguage(options: LanguageOptions): Promise<CaseResult[]> {
  const { runtime, capabilities } = options;
  const plan = planLanguage(options.cases, runtime, capabilities, options.externalMqttUrl === undefined);
  const results: CaseResult[] = [];
  const skip = (c: Case, reason: string) => {
    const result: CaseResult = {
      id: c.id,
      language: runtime.language,
      state: "skip",
      reason,
      failures: [],
      notes: [],
      durationMs: 0,
      levels: [],
    };
    results.push(result);
    options.onResult(result);
  };
  for (const c of options.cases) {
    const reason = plan.skipped.get(c.id);
    if (reason !== undefined) skip(c, reason);
  }
  const jobCount = plan.concurrent.length + [...plan.serial.values()].reduce((n, jobs) => n + jobs.length, 0);
  if (jobCount === 0) return results;

  const vars = { REPO_ROOT: options.repoRoot };
  if (options.build) {
    const started = Date.now();
    await buildRuntime(runtime, options.repoRoot, vars);
    options.onInfo(`[${runtime.language}] built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const broker: Broker = options.externalMqttUrl
    ? externalBroker(options.externalMqttUrl)
    : await startPrivateBroker();
  const issuer = await startPrivateIssuer();
  const place: LanePlace = {
    runId: options.runId,
    repoRoot: options.repoRoot,
    spec: runtime,
    broker,
    issuer,
    databaseUrl: options.databaseUrl,
    pool: options.pool,
    vectors: options.vectors,
    runtimeEnv: options.runtimeEnv,
  };
  const outcomes = new Map<string, JobOutcome[]>();
  const pendingJobs = new Map<string, number>();
  for (const job of [...plan.concurrent, ...[...plan.serial.values()].flat()]) {
    pendingJobs.set(job.case.id, (pendingJobs.get(job.case.id) ?? 0) + 1);
  }
  const finishJob = (outcome: JobOutcome) => {
    const id = outcome.job.case.id;
    outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]);
    const left = (pendingJobs.get(id) ?? 1) - 1;
    pendingJobs.set(id, left);
    if (left === 0) {
      const result = combine(outcome.job.case, runtime.language, outcomes.get(id) ?? [], capabilities);
      results.push(result);
      options.onResult(result);
    }
  };
  const runJob = async (job: Job, lane: Lane) => {
    let run = await runCase(job.case, lane);
    const retryNotes: string[] = [];
    if (onlyLate(run.failures)) {
      // A reply that came, only later than the case allows, is what a loaded machine does to a correct
      // runtime (a broker or database stall of a few seconds); one more run tells the two apart. A
      // missing, wrong or extra reply is never retried. The report keeps the first run's failures.
      retryNotes.push(`passed on a second run; the first: ${run.failures.join("; ")}`);
      run = await runCase(job.case, lane);
      if (run.failures.length > 0) retryNotes.length = 0;
    }
    const failures = [...run.failures];
    if (isProtocolCase(job.case)) {
      const golden = checkGolden({
        root: options.root,
        caseId: job.case.id,
        level: job.level,
        frames: emitted(run.frames, (f) => lane.mqtt.isOwn(f), run.isStray),
        prefix: lane.prefix,
        withProperties: capabilities?.capabilities.includes("mirrorProperties") ?? false,
        update: options.updateGolden && failures.length === 0,
      });
      failures.push(...golden.mismatches);
    }
    finishJob({ job, failures, notes: [...retryNotes, ...run.notes], durationMs: run.durationMs });
  };

  try {
    // Concurrent phase: a pool of lanes in the default configuration takes jobs from one queue.
    const queue = [...plan.concurrent];
    const laneCount = Math.max(1, Math.min(options.lanes, queue.length));
    const lanes: Lane[] = [];
    if (queue.length > 0) {
      options.onInfo(`[${runtime.language}] ${laneCount} lane(s), ${queue.length} concurrent job(s)`);
      lanes.push(
        ...(await Promise.all(
          Array.from({ length: laneCount }, (_, i) => openLane(place, `l${i + 1}`, 5, [])),
        )),
      );
      await Promise.all(
        lanes.map(async (lane) => {
          for (let job = queue.shift(); job; job = queue.shift()) await runJob(job, lane);
        }),
      );
    }
    // Serial phase: cases that restart or stop things, other MQTT levels and launch profiles.
    let reusable = lanes.shift();
    await Promise.all(lanes.map(closeLane));
    for (const [key, jobs] of plan.serial) {
      const [levelText, profileText] = key.split("|");
      const level = Number(levelText) as ProtocolLevel;
      const profiles = profileText ? profileText.split(",") : [];
      options.onInfo(
        `[${runtime.language}] ${jobs.length} serial job(s) at MQTT ${level === 5 ? "5" : "3.1.1"}${profiles.length ? ` with profile ${profiles.join(",")}` : ""}`,
      );
      let lane: Lane;
      if (key === DEFAULT_CONFIG && reusable) {
        lane = reusable;
        reusable = undefined;
      } else {
        lane = await openLane(
          place,
          `s${level}${profiles.length ? `p${profiles.join("")}` : ""}`.slice(0, 24),
          level,
          profiles,
        );
      }
      try {
        for (const job of jobs) await runJob(job, lane);
      } finally {
        await closeLane(lane);
      }
    }
    if (reusable) await closeLane(reusable);
  } finally {
    await issuer.dispose().catch(() => {});
    await broker.dispose().catch(() => {});
  }
  return results;
}

const LATE = /: arrived after \d+ ms, expected within \d+ ms$/;

/** Whether every failure of a run is a reply that arrived, late (then.ts words it so). */
export function onlyLate(failures: readonly string[]): boolean {
  return failures.length > 0 && failures.every((f) => LATE.test(f));
}

/** One result per case from its jobs (one per MQTT level): FAIL / xfail / XPASS / pass. */
export function combine(
  c: Case,
  language: string,
  outcomes: readonly JobOutcome[],
  capabilities: CapabilitySpec | undefined,
): CaseResult {
  const failures = outcomes.flatMap((o) =>
    o.failures.map((f) => (outcomes.length > 1 ? `[${o.job.level === 5 ? "mqtt5" : "mqtt311"}] ${f}` : f)),
  );
  const expected = capabilities?.expectedFailures.find((e) => e.case === c.id);
  const durationMs = outcomes.reduce((n, o) => n + o.durationMs, 0);
  const levels = outcomes.map((o) => o.job.level);
  const notes = outcomes.flatMap((o) => o.notes);
  const base = { id: c.id, language, failures, notes, durationMs, levels };
  if (failures.length > 0) {
    return expected
      ? { ...base, state: "xfail", reason: expected.reason }
      : { ...base, state: "FAIL", reason: failures[0] };
  }
  return expected
    ? { ...base, state: "XPASS", reason: `listed in expectedFailures but passed: ${expected.reason}` }
    : { ...base, state: "pass" };
}

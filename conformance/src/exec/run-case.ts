import { UnknownVariableError } from "../match/variables.js";
import type { Case } from "../model.js";
import { CaseState } from "./case-state.js";
import type { Frame } from "./frames.js";
import type { Lane } from "./lane.js";
import { runStep, settleCalls } from "./steps.js";
import { checkThen } from "./then.js";

/** Steps that act on shared things (the language's broker or issuer) or on the runtime process. */
const EXCLUSIVE_STEPS = new Set([
  "killRuntime",
  "restartRuntime",
  "restartBroker",
  "stopIssuer",
  "startIssuer",
]);

/** A case that must have its language to itself: it restarts or stops something, or floods the runtime. */
export function isExclusive(c: Case): boolean {
  return c.when.some((s) => EXCLUSIVE_STEPS.has(s.step) || (s.step === "call" && (s.repeat ?? 1) > 100));
}

export interface CaseRun {
  failures: string[];
  notes: string[];
  /** Every frame observed on the lane during the case (the runner's own publishes included). */
  frames: Frame[];
  /** Whether a frame is a late reply to an earlier case (on a reply topic this case did not use). */
  isStray: (frame: Frame) => boolean;
  durationMs: number;
}

/** The longest a case may take before it is failed (a safety net against hangs). */
export const CASE_TIMEOUT_MS = 150_000;

/**
 * Runs one case on a lane: resets and seeds the lane's database, runs `when` in order, waits for the
 * calls still outstanding, evaluates `then`. Afterwards the lane is put back as it was (issuer
 * listening, runtime running) for the next case.
 */
export async function runCase(c: Case, lane: Lane): Promise<CaseRun> {
  const started = Date.now();
  lane.mqtt.reset();
  const failures: string[] = [];
  const notes: string[] = [];
  let isStray: (frame: Frame) => boolean = () => false;
  try {
    await lane.db.reset();
    const seeds = await lane.db.seed(c.given);
    const state = new CaseState(lane, seeds);
    isStray = (frame) => state.isStray(frame);
    state.notes.push = (...items: string[]) => notes.push(...items);
    const body = async () => {
      for (const [i, step] of c.when.entries()) {
        try {
          await runStep(step, state);
        } catch (error) {
          const message = error instanceof UnknownVariableError ? error.message : (error as Error).message;
          state.failures.push(`when[${i}] ${step.step}: ${message}`);
          if (!(error instanceof UnknownVariableError)) break;
        }
      }
      await settleCalls(state);
      return [...state.failures, ...(await checkThen(c.then, state))];
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(
        () => resolve([`case did not finish within ${CASE_TIMEOUT_MS} ms`]),
        CASE_TIMEOUT_MS,
      );
    });
    failures.push(...(await Promise.race([body(), timeout])));
    clearTimeout(timer);
  } catch (error) {
    failures.push(`runner: ${(error as Error).message}`);
  } finally {
    await restore(
      lane,
      failures,
      c.when.some((s) => s.step === "stopIssuer"),
    );
  }
  return { failures, notes, frames: [...lane.mqtt.frames], isStray, durationMs: Date.now() - started };
}

/** Issuer listening and runtime ready again; `fresh` relaunches the runtime (it saw the issuer down). */
async function restore(lane: Lane, failures: string[], fresh: boolean): Promise<void> {
  try {
    await lane.issuer.start();
    if (fresh && lane.runtime.running) await lane.runtime.stop();
    if (!lane.runtime.running || !(await lane.runtime.ready())) {
      if (lane.runtime.running) await lane.runtime.kill("SIGKILL");
      await lane.runtime.launch();
    }
  } catch (error) {
    failures.push(`runner: cannot restore the lane: ${(error as Error).message}`);
  }
}

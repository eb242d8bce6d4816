import { interpolate, substitute } from "../match/variables.js";
import type { Json, Step } from "../model.js";
import { runCallStep } from "./call-step.js";
import type { CaseState } from "./case-state.js";
import { topicMatches } from "./frames.js";
import { runRawStep } from "./raw-step.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every call published so far (await: false included) has its replies or gave up. */
export async function settleCalls(state: CaseState): Promise<void> {
  await Promise.all([...state.steps.values()].map((s) => s.settled));
}

/** Runs one step of `when`. A step that cannot do its work records a failure and the case goes on. */
export async function runStep(step: Step, state: CaseState): Promise<void> {
  const { lane } = state;
  switch (step.step) {
    case "call":
      await runCallStep(step, state);
      return;
    case "publishRaw":
      await runRawStep(step, state);
      return;
    case "waitForMessage": {
      const filter = `${lane.prefix}/${interpolate(step.topic, state.resolve)}`;
      const frame = await lane.mqtt.waitFor(
        (f) => topicMatches(filter, f.topic) && !lane.mqtt.isOwn(f),
        step.timeoutMs,
      );
      if (!frame)
        state.failures.push(`waitForMessage: no message on ${step.topic} within ${step.timeoutMs} ms`);
      return;
    }
    case "queryDatabase": {
      await settleCalls(state);
      const params = substitute((step.params ?? []) as Json[], state.resolve);
      try {
        state.queries.set(step.ref, await lane.db.select(step.sql, params));
      } catch (error) {
        state.failures.push(`queryDatabase ${step.ref}: ${(error as Error).message}`);
      }
      return;
    }
    case "killRuntime":
      await lane.runtime.kill(step.signal ?? "SIGKILL", step.waitForExit ?? true);
      return;
    case "restartRuntime":
      if (lane.runtime.running) await lane.runtime.stop();
      await lane.runtime.launch();
      return;
    case "restartBroker":
      await lane.broker.restart();
      return;
    case "stopIssuer":
      await lane.issuer.stop();
      return;
    case "startIssuer":
      await lane.issuer.start();
      return;
    case "wait":
      await sleep(step.ms);
      return;
  }
}

import type { CapabilitySpec, Case, ProtocolLevel, RuntimeSpec } from "../model.js";
import { isExclusive } from "./run-case.js";

/** One run of one case at one MQTT level, on a lane launched with `profiles`. */
export interface Job {
  case: Case;
  level: ProtocolLevel;
  profiles: string[];
  exclusive: boolean;
}

/** The launch configuration of a lane: MQTT level and capability profiles. */
export function configKey(level: ProtocolLevel, profiles: readonly string[]): string {
  return `${level}|${[...profiles].sort().join(",")}`;
}

export const DEFAULT_CONFIG = configKey(5, []);

export interface Plan {
  /** Cases not run, with the reason (unclaimed capability, runtime not implemented). */
  skipped: Map<string, string>;
  /** Jobs for the concurrent lanes (default configuration, nothing exclusive). */
  concurrent: Job[];
  /** Jobs run one at a time, grouped by configuration, after the concurrent ones. */
  serial: Map<string, Job[]>;
}

/**
 * Which case runs where for one language: a case needing an unclaimed capability is skipped; each
 * level of a case's protocolLevels is one job; a case requiring a capability that has a launch profile
 * runs on a lane launched with it; cases that restart or stop things run alone.
 */
export function planLanguage(
  cases: readonly Case[],
  runtime: RuntimeSpec,
  capabilities: CapabilitySpec | undefined,
  restartableBroker: boolean,
): Plan {
  const plan: Plan = { skipped: new Map(), concurrent: [], serial: new Map() };
  const claimed = new Set(capabilities?.capabilities ?? []);
  for (const c of cases) {
    if (runtime.status === "planned") {
      plan.skipped.set(c.id, "runtime not implemented");
      continue;
    }
    const missing = c.requires.filter((cap) => !claimed.has(cap));
    if (missing.length > 0) {
      plan.skipped.set(c.id, `requires ${missing.join(", ")}`);
      continue;
    }
    if (!restartableBroker && c.when.some((s) => s.step === "restartBroker")) {
      plan.skipped.set(c.id, "restartBroker needs the runner's own broker (not --fixture external)");
      continue;
    }
    const profiles = c.requires.filter((cap) => runtime.profiles?.[cap] !== undefined);
    const exclusive = isExclusive(c);
    for (const level of c.protocolLevels ?? [5]) {
      const job: Job = { case: c, level, profiles, exclusive };
      const key = configKey(level, profiles);
      if (key === DEFAULT_CONFIG && !exclusive) plan.concurrent.push(job);
      else plan.serial.set(key, [...(plan.serial.get(key) ?? []), job]);
    }
  }
  // A broker restart is the last thing done to a language's broker: Mosquitto's restored shared
  // subscriptions do not always deliver to the sessions that held them, which would hurt later cases.
  const restartsBroker = (j: Job) => j.case.when.some((s) => s.step === "restartBroker");
  const ordered = [...plan.serial.entries()].sort(
    ([a, aj], [b, bj]) =>
      Number(aj.some(restartsBroker)) - Number(bj.some(restartsBroker)) || a.localeCompare(b),
  );
  plan.serial = new Map(
    ordered.map(([key, jobs]) => [
      key,
      [...jobs].sort((x, y) => Number(restartsBroker(x)) - Number(restartsBroker(y))),
    ]),
  );
  return plan;
}

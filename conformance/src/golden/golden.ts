import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Frame } from "../exec/frames.js";
import { match } from "../match/matcher.js";
import type { Case, ProtocolLevel } from "../model.js";
import { type GoldenFrame, normaliseFrame, relativeText, sortFrames } from "./normalise.js";

/** Areas whose cases are protocol cases: their emitted frames are compared with goldens. */
export const GOLDEN_AREAS = new Set(["runtime", "auth", "errors"]);

export function isProtocolCase(c: Case): boolean {
  return GOLDEN_AREAS.has(c.id.split(".")[0] ?? "");
}

export function goldenPath(root: string, id: string, level: ProtocolLevel): string {
  return join(root, "golden", level === 5 ? "mqtt5" : "mqtt311", `${id}.json`);
}

export interface GoldenFile {
  case: string;
  protocolLevel: "5" | "3.1.1";
  description: string;
  frames: GoldenFrame[];
}

/**
 * The frames the runtime emitted during a case: the runner's own publishes left out, and replies on
 * reply topics that are not the case's (a late reply to an earlier case on the same lane).
 */
export function emitted(
  frames: readonly Frame[],
  isOwn: (f: Frame) => boolean,
  isStray: (f: Frame) => boolean,
): Frame[] {
  return frames.filter((f) => !isOwn(f) && !isStray(f));
}

/**
 * Compares the frames a runtime emitted with the case's golden file (partial match: members a golden
 * leaves out are not compared; placeholders stand for the volatile values), or writes the golden with
 * `update`. Returns the mismatches; a case without a golden file yet is not a mismatch.
 */
export function checkGolden(options: {
  root: string;
  caseId: string;
  level: ProtocolLevel;
  frames: readonly Frame[];
  prefix: string;
  withProperties: boolean;
  update: boolean;
}): { mismatches: string[]; written: boolean; missing: boolean } {
  const { root, caseId, level, prefix, withProperties } = options;
  const file = goldenPath(root, caseId, level);
  const normalised = options.frames.map((f) => ({
    frame: f,
    golden: normaliseFrame(f, prefix, withProperties),
  }));
  const sorted = sortFrames(normalised.map((n) => n.golden));
  if (options.update) {
    const golden: GoldenFile = {
      case: caseId,
      protocolLevel: level === 5 ? "5" : "3.1.1",
      description:
        "Frames the runtime emits in this case (topic, QoS, RETAIN, MQTT 5 properties, payload); partial match, placeholders for volatile values. Written by sfn conformance --update-golden.",
      frames: sorted,
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(golden, null, 2)}\n`);
    return { mismatches: [], written: true, missing: false };
  }
  if (!existsSync(file)) return { mismatches: [], written: false, missing: true };
  const golden = JSON.parse(readFileSync(file, "utf8")) as GoldenFile;
  // Order the actual frames by their normalised form (as the golden was written), then match each raw
  // frame (prefix made relative) against its golden: "$uuid" in the golden then meets a real UUID.
  const ordered = [...normalised].sort((a, b) => {
    const t = a.golden.topic.localeCompare(b.golden.topic);
    return t !== 0 ? t : JSON.stringify(a.golden.payload).localeCompare(JSON.stringify(b.golden.payload));
  });
  const label = `golden ${level === 5 ? "mqtt5" : "mqtt311"}/${caseId}`;
  if (ordered.length !== golden.frames.length) {
    return {
      mismatches: [
        `${label}: expected ${golden.frames.length} frames, the runtime emitted ${ordered.length} (${ordered.map((o) => o.golden.topic).join(", ")})`,
      ],
      written: false,
      missing: false,
    };
  }
  const mismatches: string[] = [];
  for (const [i, expected] of golden.frames.entries()) {
    const actual = ordered[i];
    if (!actual) continue;
    const raw = rawComparable(actual.frame, actual.golden, prefix, withProperties);
    const golden = withProperties ? expected : { ...expected, properties: undefined };
    mismatches.push(...match(stripUndefined(golden), raw, `/frames/${i}`).map((m) => `${label} ${m}`));
  }
  return { mismatches, written: false, missing: false };
}

/** The frame with topics made relative but the values as they were (placeholders match them). */
function rawComparable(
  frame: Frame,
  normalised: GoldenFrame,
  prefix: string,
  withProperties: boolean,
): Record<string, unknown> {
  const relative = (v: unknown): unknown => {
    if (typeof v === "string") return relativeText(v, prefix);
    if (Array.isArray(v)) return v.map(relative);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, relative(x)]));
    }
    return v ?? null;
  };
  return {
    topic: normalised.topic,
    qos: frame.qos,
    retain: frame.retain,
    ...(withProperties ? { properties: relative(frame.properties) } : {}),
    payload: frame.json !== undefined ? relative(frame.json) : normalised.payload,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

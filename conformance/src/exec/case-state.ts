import { userId } from "../env/lane-database.js";
import { dig, type Resolver } from "../match/variables.js";
import type { Json, UserName } from "../model.js";
import type { Frame } from "./frames.js";
import type { Lane } from "./lane.js";
import { randomId } from "./lane-mqtt.js";

/** What a `call` or `publishRaw` step left behind, for `${ref.…}` and the reply expectations. */
export interface StepRecord {
  kind: "call" | "raw";
  /** One per published call; for a fixed callId with `repeat`, the same id N times. */
  callIds: string[];
  fixedCallId: boolean;
  /** Topics its replies arrive on. */
  replyTopics: string[];
  deadline: string | undefined;
  publishedAt: number;
  /** The lane's frame count when the step published: its replies are later frames. */
  afterSeq: number;
  /** Settles when every call of the step has its replies or has run out of retries. */
  settled: Promise<void>;
}

/** Step-local variables of a publishRaw step (fresh for each step). */
export interface StepScope {
  callId?: string;
  messageId?: string;
  rawReplyTopic?: string;
}

/** The state of one case while it runs on a lane. */
export class CaseState {
  readonly lane: Lane;
  readonly replyTopic: string;
  readonly steps = new Map<string, StepRecord>();
  readonly queries = new Map<string, Record<string, Json>[]>();
  readonly seeds: Map<string, string>;
  readonly failures: string[] = [];
  /** Observations that are not failures (e.g. calls the runner had to re-send), for the reports. */
  readonly notes: string[] = [];
  readonly #fresh = new Map<string, string>();
  scope: StepScope = {};

  constructor(lane: Lane, seeds: Map<string, string>) {
    this.lane = lane;
    this.seeds = seeds;
    this.replyTopic = `${lane.prefix}/reply/${randomId()}`;
  }

  /** Replies of a step: frames on its reply topics since it was published (and, for calls, its callIds). */
  repliesOf(record: StepRecord): Frame[] {
    const ids = new Set(record.callIds);
    return this.lane.mqtt.frames.filter(
      (f) =>
        record.replyTopics.includes(f.topic) &&
        f.seq > record.afterSeq &&
        !this.lane.mqtt.isOwn(f) &&
        (record.kind === "raw" || ids.has(callIdOf(f) ?? "")),
    );
  }

  /** A frame on a reply topic that no step of this case gave (a late reply to an earlier case). */
  isStray(frame: Frame): boolean {
    if (!frame.topic.startsWith(`${this.lane.prefix}/reply/`)) return false;
    if (frame.topic === this.replyTopic) return false;
    for (const record of this.steps.values()) if (record.replyTopics.includes(frame.topic)) return false;
    return true;
  }

  readonly resolve: Resolver = (name) => {
    const [head, ...rest] = name.split(".");
    switch (head) {
      case "p":
        return `${this.lane.prefix}/`;
      case "replyTopic":
        return this.replyTopic;
      case "rawReplyTopic":
      case "callId":
      case "messageId":
        return this.scope[head];
      case "now":
        return Date.now();
      case "maxPayloadBytes":
        return this.lane.maxPayloadBytes;
      case "token":
        return this.lane.tokens.get(rest[0] as UserName);
      case "user":
        return rest[1] === "id" ? userId(rest[0] as UserName) : undefined;
      case "fresh": {
        const key = rest.join(".");
        let id = this.#fresh.get(key);
        if (!id) {
          id = randomId();
          this.#fresh.set(key, id);
        }
        return id;
      }
      default:
        return this.#refVariable(head ?? "", rest);
    }
  };

  #refVariable(ref: string, path: string[]): Json | undefined {
    const seeded = this.seeds.get(ref);
    if (seeded !== undefined && path.length === 1 && path[0] === "id") return seeded;
    const record = this.steps.get(ref);
    if (!record) return undefined;
    const [member, ...more] = path;
    if (member === "callId") return record.callIds[0];
    if (member === "callIds") return [...new Set(record.callIds)];
    if (member === "deadline") return record.deadline;
    if (member === "result") {
      const reply = this.repliesOf(record)[0]?.json;
      return dig(dig(reply, ["body", "result"]), more);
    }
    return undefined;
  }
}

export function callIdOf(frame: Frame): string | undefined {
  const json = frame.json;
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  return typeof json.callId === "string" ? json.callId : undefined;
}

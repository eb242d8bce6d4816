import { match, show } from "../match/matcher.js";
import { substitute } from "../match/variables.js";
import type { Json, JsonObject, MessageExpectation, ReplyExpectation, Then } from "../model.js";
import { DEFAULT_REPLY_TIMEOUT_MS } from "./call-step.js";
import { type CaseState, callIdOf, type StepRecord } from "./case-state.js";
import type { Frame } from "./frames.js";
import { reassemble } from "./transfer.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The body of a reply envelope checked against `result` / `error` of an expectation. */
function shapeMismatches(expectation: ReplyExpectation, frame: Frame): string[] {
  const envelope = frame.json as JsonObject | undefined;
  if (envelope === undefined || envelope === null || typeof envelope !== "object")
    return ["reply is not a JSON envelope"];
  const body = (envelope.body ?? {}) as JsonObject;
  const out: string[] = [];
  if (expectation.result !== undefined) {
    if (body.status !== "success") out.push(`expected success, got ${show(body.status)} ${show(body.error)}`);
    else out.push(...match(expectation.result, body.result, "/body/result"));
  }
  if (expectation.error !== undefined) {
    if (body.status !== "error")
      out.push(
        `expected error ${expectation.error.type}/${expectation.error.code}, got ${show(body.status)} ${show(body.result)}`,
      );
    else out.push(...match(expectation.error, body.error, "/body/error"));
  }
  if (expectation.envelope !== undefined) out.push(...match(expectation.envelope, envelope));
  if (expectation.properties !== undefined)
    out.push(...match(expectation.properties, frame.properties, "(properties)"));
  return out;
}

/** The replies an expectation is about: every reply for a fixed callId, the first per callId otherwise. */
function considered(state: CaseState, record: StepRecord): Frame[] {
  const replies = state.repliesOf(record);
  if (record.kind === "raw" || record.fixedCallId) return replies;
  const seen = new Set<string>();
  return replies.filter((f) => {
    const id = callIdOf(f) ?? "";
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function checkReply(expectation: ReplyExpectation, state: CaseState): Promise<string[]> {
  const record = state.steps.get(expectation.to);
  if (!record) return [`replies: no step ${expectation.to}`];
  const label = `reply to ${expectation.to}`;
  if (expectation.none) {
    const wait = record.publishedAt + (expectation.withinMs ?? 0) - Date.now();
    if (wait > 0) await sleep(wait);
    const got = state.repliesOf(record);
    return got.length === 0
      ? []
      : [`${label}: expected no reply within ${expectation.withinMs} ms, got ${show(got[0]?.json)}`];
  }
  const expected = expectation.count ?? record.callIds.length;
  if (record.kind === "raw") {
    await state.lane.mqtt.until(
      () => state.repliesOf(record).length >= expected,
      Math.max(0, record.publishedAt + DEFAULT_REPLY_TIMEOUT_MS - Date.now()),
    );
  }
  const replies = considered(state, record);
  if (replies.length === 0) return [`${label}: no reply`];
  const mismatches = replies.map((f) => shapeMismatches(expectation, f));
  const matching = mismatches.filter((m) => m.length === 0).length;
  const out: string[] = [];
  if (matching !== expected) {
    const first = mismatches.find((m) => m.length > 0);
    out.push(
      expected === 1 && replies.length === 1 && first
        ? `${label}: ${first.join("; ")}`
        : `${label}: expected count ${expected}, got ${matching} matching of ${replies.length} replies${first ? ` (first mismatch: ${first.join("; ")})` : ""}`,
    );
  }
  if (expectation.withinMs !== undefined) {
    const late = replies.find((f) => f.receivedAt - record.publishedAt > (expectation.withinMs as number));
    if (late)
      out.push(
        `${label}: arrived after ${late.receivedAt - record.publishedAt} ms, expected within ${expectation.withinMs} ms`,
      );
  }
  return out;
}

function pointer(value: Json | undefined, path: string): Json | undefined {
  let current = value;
  for (const raw of path.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

async function checkMessages(expectation: MessageExpectation, state: CaseState): Promise<string[]> {
  const { mqtt } = state.lane;
  const filter = `${state.lane.prefix}/${expectation.topic}`;
  const frames = () => mqtt.on(filter).filter((f) => !mqtt.isOwn(f) && !state.isStray(f));
  if (expectation.count !== undefined && expectation.count > 0) {
    await mqtt.until(() => frames().length >= (expectation.count as number), 5000);
  }
  const got = frames();
  const label = `messages on ${expectation.topic}`;
  const out: string[] = [];
  if (expectation.count !== undefined && got.length !== expectation.count) {
    out.push(
      `${label}: expected count ${expectation.count}, got ${got.length}${got[0] ? ` (first: ${show(got[0].json ?? got[0].payload.toString("base64"))})` : ""}`,
    );
  }
  for (const [i, frame] of got.entries()) {
    if (expectation.qos !== undefined && frame.qos !== expectation.qos)
      out.push(`${label}[${i}]: expected QoS ${expectation.qos}, got ${frame.qos}`);
    if (expectation.retain !== undefined && frame.retain !== expectation.retain)
      out.push(`${label}[${i}]: expected RETAIN ${expectation.retain}, got ${frame.retain}`);
    if (expectation.envelope !== undefined)
      out.push(...match(expectation.envelope, frame.json).map((m) => `${label}[${i}] ${m}`));
    if (expectation.properties !== undefined && state.lane.level === 5) {
      out.push(
        ...match(expectation.properties, frame.properties, "(properties)").map((m) => `${label}[${i}] ${m}`),
      );
    }
  }
  for (const path of expectation.distinct ?? []) {
    const values = got.map((f) => JSON.stringify(pointer(f.json, path)));
    if (new Set(values).size !== values.length)
      out.push(`${label}: ${path} is not distinct (${values.join(", ")})`);
  }
  if (expectation.chunked) {
    const transfers = reassemble(got);
    if (transfers.length !== 1) out.push(`${label}: expected one transfer, got ${transfers.length}`);
    const transfer = transfers[0];
    if (transfer) {
      out.push(...transfer.problems.map((p) => `${label}: ${p}`));
      if (expectation.transfer) {
        const actual = {
          totalLength: transfer.totalLength,
          sha256: transfer.sha256,
          frames: transfer.frames,
        };
        out.push(...match(expectation.transfer, actual, "(transfer)").map((m) => `${label} ${m}`));
      }
    }
  }
  return out;
}

/** Evaluates `then` after every step ran; returns the mismatches (empty: the case passed). */
export async function checkThen(then: Then, state: CaseState): Promise<string[]> {
  const expectations = substitute(then as unknown as Json, state.resolve) as unknown as Then;
  const out: string[] = [];
  const replies = await Promise.all((expectations.replies ?? []).map((r) => checkReply(r, state)));
  out.push(...replies.flat());
  for (const db of expectations.database ?? []) {
    const rows = state.queries.get(db.query);
    if (!rows) {
      out.push(`database ${db.query}: the query did not run`);
      continue;
    }
    if (db.rowCount !== undefined && rows.length !== db.rowCount)
      out.push(`database ${db.query}: expected ${db.rowCount} rows, got ${rows.length} (${show(rows)})`);
    if (db.rows !== undefined) out.push(...match(db.rows, rows).map((m) => `database ${db.query} ${m}`));
  }
  for (const m of expectations.messages ?? []) out.push(...(await checkMessages(m, state)));
  if (expectations.runtime) {
    const { runtime } = state.lane;
    if (expectations.runtime.alive !== undefined) {
      const alive = runtime.running && (await runtime.ready());
      if (alive !== expectations.runtime.alive)
        out.push(`runtime: expected alive ${expectations.runtime.alive}, got ${alive}`);
    }
    if (
      expectations.runtime.exitCode !== undefined &&
      runtime.lastExitCode !== expectations.runtime.exitCode
    ) {
      out.push(
        `runtime: expected exit code ${expectations.runtime.exitCode}, got ${String(runtime.lastExitCode)}`,
      );
    }
  }
  return out;
}

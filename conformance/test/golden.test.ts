import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Frame } from "../src/exec/frames.js";
import { topicMatches } from "../src/exec/frames.js";
import { reassemble } from "../src/exec/transfer.js";
import { checkGolden } from "../src/golden/golden.js";

function frame(topic: string, json: unknown, properties: Record<string, unknown> = {}): Frame {
  const payload = Buffer.from(JSON.stringify(json));
  return {
    topic,
    qos: 1,
    retain: false,
    properties: properties as Frame["properties"],
    payload,
    json: json as Frame["json"],
    receivedAt: 0,
    seq: 0,
  };
}

const reply = (prefix: string, session: string, callId: string, sum: number) =>
  frame(
    `${prefix}/reply/${session}`,
    {
      protocolVersion: "1.0",
      messageId: crypto.randomUUID(),
      callId,
      headers: { "content-type": "application/json" },
      body: { status: "success", result: { sum } },
    },
    { contentType: "application/json", correlationData: callId },
  );

describe("golden wire frames", () => {
  it("a golden written from one run matches another run with other ids, prefix and session", () => {
    const root = mkdtempSync(join(tmpdir(), "golden-"));
    const options = { root, caseId: "runtime.call.x", level: 5 as const, withProperties: true };
    const written = checkGolden({
      ...options,
      frames: [reply("run/a", "A".repeat(22), "c".repeat(22), 3)],
      prefix: "run/a",
      update: true,
    });
    expect(written.written).toBe(true);
    const same = checkGolden({
      ...options,
      frames: [reply("run/b", "B".repeat(22), "d".repeat(22), 3)],
      prefix: "run/b",
      update: false,
    });
    expect(same.mismatches).toEqual([]);
    const drift = checkGolden({
      ...options,
      frames: [reply("run/b", "B".repeat(22), "d".repeat(22), 4)],
      prefix: "run/b",
      update: false,
    });
    expect(drift.mismatches).toEqual([
      "golden mqtt5/runtime.call.x /frames/0/payload/body/result/sum: expected 3, got 4",
    ]);
    const extra = checkGolden({
      ...options,
      frames: [
        reply("run/b", "B".repeat(22), "d".repeat(22), 3),
        reply("run/b", "B".repeat(22), "e".repeat(22), 3),
      ],
      prefix: "run/b",
      update: false,
    });
    expect(extra.mismatches[0]).toContain("expected 1 frames, the runtime emitted 2");
  });

  it("a case without a golden file is reported missing, not as a mismatch", () => {
    const root = mkdtempSync(join(tmpdir(), "golden-"));
    const result = checkGolden({
      root,
      caseId: "runtime.call.none",
      level: 4,
      frames: [],
      prefix: "p",
      withProperties: false,
      update: false,
    });
    expect(result).toEqual({ mismatches: [], written: false, missing: true });
  });
});

describe("frames", () => {
  it("topic filters match + one level and # the rest", () => {
    expect(topicMatches("p/reply/+", "p/reply/abc")).toBe(true);
    expect(topicMatches("p/reply/+", "p/reply/abc/d")).toBe(false);
    expect(topicMatches("p/#", "p/conformance/notify/t1")).toBe(true);
    expect(topicMatches("p/dlq/Conformance", "p/dlq/Other")).toBe(false);
  });

  it("chunk frames reassemble in index order and are checked against their header", async () => {
    const { createHash } = await import("node:crypto");
    const data = Buffer.from("hello, chunks");
    const sha256 = createHash("sha256").update(data).digest("hex");
    const chunk = (index: number, bytes: Buffer) => {
      const header = Buffer.from(
        JSON.stringify({
          transferId: "t".repeat(22),
          index,
          count: 2,
          totalLength: data.length,
          sha256,
          headers: {},
        }),
      );
      const n = Buffer.alloc(4);
      n.writeUInt32BE(header.length);
      return { ...frame("p/b", null), json: undefined, payload: Buffer.concat([n, header, bytes]) } as Frame;
    };
    const [t] = reassemble([chunk(1, data.subarray(5)), chunk(0, data.subarray(0, 5))]);
    expect(t).toMatchObject({ totalLength: 13, frames: 2, sha256, problems: [] });
    const [broken] = reassemble([chunk(0, data.subarray(0, 5))]);
    expect(broken?.problems.length).toBeGreaterThan(0);
  });
});

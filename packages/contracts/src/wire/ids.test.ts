import { describe, expect, it } from "vitest";
import { newCallId, newMessageId, newSessionId } from "./ids.js";

describe("ids", () => {
  it("draws 128-bit base64url ids that never repeat, across refills of the random pool", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => (i % 2 ? newCallId() : newSessionId()));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every bit position varies: the ids are not a counter or a constant prefix.
    const decoded = ids.map((id) => Buffer.from(id, "base64url"));
    for (let byte = 0; byte < 16; byte++) {
      expect(new Set(decoded.map((b) => b[byte])).size).toBeGreaterThan(200);
    }
  });

  it("makes messageIds UUIDs", () => {
    expect(newMessageId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

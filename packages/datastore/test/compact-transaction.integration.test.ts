import { SfnError } from "@sfn/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processedCalls } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";

// driver.compactTransaction: BEGIN with the first statement, COMMIT with the last (pg: one simple-protocol
// query each, parameters written in as literals), used by the runtime's exactly-once calls (sql/0015).
describe.each(backendNames)("compactTransaction on %s", (backendName) => {
  let backend: Backend;
  const claim = (callId: string) => ({
    text: "SELECT sfn.processed_call_claim($1, $2) AS reply",
    params: ["Svc", callId],
  });
  const record = (callId: string, reply: string) => ({
    text: "SELECT sfn.processed_call_record_strict($1, $2, $3::jsonb, $4)",
    params: ["Svc", callId, reply, 60],
  });

  beforeAll(async () => {
    backend = await openBackend(backendName);
    await backend.driver.exec("CREATE TABLE compact_effects (call_id text, note text)");
  });
  afterAll(async () => {
    await backend?.close();
  });

  const effects = async (callId: string) =>
    (await backend.driver.query("SELECT note FROM compact_effects WHERE call_id = $1", [callId])).length;

  it("commits the callback's statements and the last one together; the first one's rows reach the callback", async () => {
    const value = await backend.driver.compactTransaction<string, { reply: unknown }>(
      claim("c1"),
      async (tx, rows) => {
        expect(rows).toEqual([{ reply: null }]);
        await tx.query("INSERT INTO compact_effects VALUES ($1, $2)", ["c1", "x"]);
        return { value: "done", last: record("c1", JSON.stringify({ result: { ok: true } })) };
      },
    );
    expect(value).toBe("done");
    expect(await effects("c1")).toBe(1);
    const again = await backend.driver.compactTransaction<unknown, { reply: unknown }>(
      claim("c1"),
      async (_, rows) => ({
        value: rows[0]?.reply,
      }),
    );
    expect(again).toEqual({ result: { ok: true } });
  });

  it("rolls everything back when the last statement raises: the COMMIT behind it never runs", async () => {
    await processedCalls.record(backend.driver, "Svc", "c2", { result: "first" }, 60);
    const failed = await backend.driver
      .compactTransaction({ text: "SELECT 1 AS one", params: [] }, async (tx) => {
        await tx.query("INSERT INTO compact_effects VALUES ($1, $2)", ["c2", "lost"]);
        return { value: 1, last: record("c2", JSON.stringify({ result: "second" })) };
      })
      .catch((e: unknown) => e);
    expect(SfnError.isInstance(failed) && [failed.type, failed.code]).toEqual([
      "Conflict",
      "SFN_CALL_RECORDED",
    ]);
    expect(await effects("c2")).toBe(0);
    expect(await processedCalls.find(backend.driver, "Svc", "c2")).toEqual({ result: "first" });
  });

  it("rolls back when the callback throws, and passes its error through", async () => {
    const boom = new Error("boom");
    await expect(
      backend.driver.compactTransaction(claim("c3"), async (tx) => {
        await tx.query("INSERT INTO compact_effects VALUES ($1, $2)", ["c3", "lost"]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await effects("c3")).toBe(0);
  });

  it("stores any string exactly: quotes, backslashes, unicode, SQL-looking text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 60 }),
        fc.string({ maxLength: 30 }),
        async (text, tail) => {
          const note = `${text}'\\"; DROP TABLE compact_effects; --$1${tail}`.replaceAll("\u0000", "");
          const callId = `p-${Math.random().toString(36).slice(2)}`;
          const reply = JSON.stringify({ result: note });
          await backend.driver.compactTransaction(claim(callId), async () => ({
            value: 0,
            last: record(callId, reply),
          }));
          expect(await processedCalls.find(backend.driver, "Svc", callId)).toEqual({ result: note });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("sends a large last statement on its own and still commits it", async () => {
    const big = "x'\\".repeat(10_000);
    await backend.driver.compactTransaction(claim("c5"), async () => ({
      value: 0,
      last: record("c5", JSON.stringify({ result: big })),
    }));
    expect(await processedCalls.find(backend.driver, "Svc", "c5")).toEqual({ result: big });
  });
});

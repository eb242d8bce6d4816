import { describe, expect, it } from "vitest";
import type { SqlExecutor } from "../driver/sql-driver.js";
import { SFN_CALL_SQL } from "../store/sfn-call.js";
import { AuditAfterRollback } from "./audit-after-rollback.js";

const ctx = JSON.stringify({ userId: "eve", roles: [] });
const reply = (r: unknown) => [{ reply: r }];
const forbidden = reply({ error: { type: "Forbidden", code: "SFN_FORBIDDEN", message: "no" } });

function recorder(): SqlExecutor & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    async query(text, params) {
      calls.push([text, ...(params ?? [])]);
      if (calls.length === 2) throw new Error("the replay of one entry fails");
      return [];
    },
    async exec() {},
  };
}

describe("AuditAfterRollback", () => {
  it("replays denied calls and Authorizer decisions, in order, as standalone calls", async () => {
    const audit = new AuditAfterRollback();
    audit.observe(SFN_CALL_SQL, [ctx, "insert", '{"collection":"a"}'], forbidden);
    audit.observe(SFN_CALL_SQL, [ctx, "insert", '{"collection":"b"}'], reply({ ok: ["id"] })); // allowed
    audit.observe(SFN_CALL_SQL, [ctx, "hasPermission", '{"user":"x"}'], reply({ ok: false }));
    audit.observe(
      SFN_CALL_SQL,
      [ctx, "query", '{"collection":"c"}'],
      reply({ error: { type: "ValidationError" } }),
    );
    audit.observe("SELECT 1", [ctx, "insert", "{}"], forbidden); // not an sfn.call
    audit.observe(SFN_CALL_SQL, [ctx, "delete", '{"collection":"d"}'], forbidden);
    const executor = recorder();
    await audit.replay(executor); // one failing replay does not stop the others, nor throw
    expect(executor.calls.map((c) => [c[2], c[3]])).toEqual([
      ["insert", '{"collection":"a"}'],
      ["hasPermission", '{"user":"x"}'],
      ["delete", '{"collection":"d"}'],
    ]);
    expect(JSON.parse(executor.calls[0]![1] as string)).toEqual({
      userId: "eve",
      roles: [],
      standalone: true,
    });
    await audit.replay(executor);
    expect(executor.calls).toHaveLength(3); // replayed once only
  });
});

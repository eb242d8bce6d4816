import type { SqlExecutor } from "../driver/sql-driver.js";
import { SFN_CALL_SQL } from "../store/sfn-call.js";

const DECISIONS = new Set(["hasPermission", "hasRole"]);
// A transaction that asks thousands of questions keeps only this many for after a rollback.
const MAX_ENTRIES = 1000;

/**
 * The audit rows of a transaction that must outlive its rollback (sql/0012_audit_after_rollback.sql):
 * every sfn.call that was denied, and every Authorizer decision. The driver notes them as its
 * statements run and, after a rollback, has the database decide and record them again.
 */
export class AuditAfterRollback {
  readonly #entries: [ctx: string, op: string, args: string][] = [];

  /** Called by the driver after each successful statement of the transaction. */
  observe(text: string, params: readonly unknown[] | undefined, rows: readonly unknown[]): void {
    if (text !== SFN_CALL_SQL || params === undefined || this.#entries.length >= MAX_ENTRIES) return;
    const [ctx, op, args] = params;
    if (typeof ctx !== "string" || typeof op !== "string" || typeof args !== "string") return;
    const reply = (rows[0] as { reply?: { error?: { type?: unknown } } } | undefined)?.reply;
    if (reply?.error?.type === "Forbidden" || (DECISIONS.has(op) && reply?.error === undefined)) {
      this.#entries.push([ctx, op, args]);
    }
  }

  /** After the rollback, outside any transaction: best effort, never throws (the rollback's cause matters). */
  async replay(executor: SqlExecutor): Promise<void> {
    for (const [ctx, op, args] of this.#entries.splice(0)) {
      const alone = JSON.stringify({ ...(JSON.parse(ctx) as object), standalone: true });
      await executor
        .query("SELECT sfn.audit_after_rollback($1::jsonb, $2::text, $3::jsonb)", [alone, op, args])
        .catch(() => undefined);
    }
  }
}

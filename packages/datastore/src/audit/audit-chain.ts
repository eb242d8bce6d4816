import type { SqlExecutor } from "../driver/sql-driver.js";

export interface AuditVerification {
  ok: boolean;
  /** Rows verified before the first problem (all of them when ok). */
  checked: number;
  /** Sequence number where the chain breaks. */
  firstBadSeq?: number;
  problem?: string;
}

/** Walks the hash chain of sfn.audit_log (sfn.audit_verify). Needs a connection that may run it. */
export async function verifyAuditChain(executor: SqlExecutor): Promise<AuditVerification> {
  const [row] = await executor.query<{
    ok: boolean;
    checked: string | number;
    first_bad_seq: string | number | null;
    problem: string | null;
  }>("SELECT ok, checked, first_bad_seq, problem FROM sfn.audit_verify()");
  if (row === undefined) throw new Error("sfn.audit_verify returned no row");
  return {
    ok: row.ok,
    checked: Number(row.checked),
    ...(row.first_bad_seq === null ? {} : { firstBadSeq: Number(row.first_bad_seq) }),
    ...(row.problem === null ? {} : { problem: row.problem }),
  };
}

/** The chain head, to anchor outside the database (truncation is detectable only against an anchor). */
export async function auditHead(executor: SqlExecutor): Promise<{ seq: number; hash: string }> {
  const [row] = await executor.query<{ seq: string | number; hash: string }>(
    "SELECT seq, hash FROM sfn.audit_head()",
  );
  if (row === undefined) throw new Error("sfn.audit_head returned no row");
  return { seq: Number(row.seq), hash: row.hash };
}

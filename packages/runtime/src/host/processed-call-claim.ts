import { SfnError } from "@sfn/contracts";
import type { SqlStatement } from "@sfn/datastore";

// The runtime's statements on sfn.processed_calls in a de-duplicated call's transaction (sql/0014, 0015),
// sent with its BEGIN and with its COMMIT: a call that does no database work of its own costs two round
// trips (driver.compactTransaction).

/**
 * The first statement: takes the call's advisory lock, so a concurrent duplicate waits here for the
 * first one, and returns the stored reply of a call already processed, or null.
 */
export function claimStatement(service: string, callId: string): SqlStatement {
  return { text: "SELECT sfn.processed_call_claim($1, $2) AS reply", params: [service, callId] };
}

/**
 * The last statement: records the reply (its JSON text, as serialised for the wire), or raises Conflict
 * SFN_CALL_RECORDED when a concurrent duplicate recorded the call first, which aborts the transaction
 * and so rolls our effects back.
 */
export function recordStatement(
  service: string,
  callId: string,
  replyJson: string,
  ttlSeconds: number,
): SqlStatement {
  return {
    text: "SELECT sfn.processed_call_record_strict($1, $2, $3::jsonb, $4)",
    params: [service, callId, replyJson, ttlSeconds],
  };
}

/** Whether `error` is the record statement's "a duplicate recorded this call first". */
export function isCallRecorded(error: unknown): boolean {
  return error instanceof SfnError && error.code === "SFN_CALL_RECORDED";
}

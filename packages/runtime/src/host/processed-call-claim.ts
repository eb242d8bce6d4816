import type { SqlExecutor } from "@sfn/datastore";

// The runtime's statements on sfn.processed_calls inside a call's transaction (sql/0007, sql/0014).

/**
 * Takes the call's advisory lock (a concurrent duplicate waits here for the first transaction) and
 * returns the stored reply of a call already processed, or null: one round trip (sfn 0014).
 */
export async function processedCallClaim(tx: SqlExecutor, service: string, callId: string): Promise<unknown> {
  const [row] = await tx.query<{ reply: unknown }>("SELECT sfn.processed_call_claim($1, $2) AS reply", [
    service,
    callId,
  ]);
  return row?.reply ?? null;
}

/**
 * Records the call's reply (its JSON text, as serialised for the wire) in the call's transaction; false
 * when the call was recorded already (the caller rolls back its own effects).
 */
export async function processedCallRecord(
  tx: SqlExecutor,
  service: string,
  callId: string,
  replyJson: string,
  ttlSeconds: number,
): Promise<boolean> {
  const [row] = await tx.query<{ recorded: boolean }>(
    "SELECT sfn.processed_call_record($1, $2, $3::jsonb, $4) AS recorded",
    [service, callId, replyJson, ttlSeconds],
  );
  return row?.recorded === true;
}

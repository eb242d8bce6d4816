import type { SqlExecutor } from "../driver/sql-driver.js";

/**
 * The runtime's exactly-once records (sfn.processed_calls), used inside the call's transaction:
 * `find` before running a call (a redelivery gets the stored reply), `record` before committing.
 */
export const processedCalls = {
  async find(tx: SqlExecutor, service: string, callId: string): Promise<unknown> {
    const [row] = await tx.query<{ reply: unknown }>("SELECT sfn.processed_call_find($1, $2) AS reply", [
      service,
      callId,
    ]);
    return row?.reply ?? null;
  },
  /** False when the call was recorded already (the caller should roll back its own effects). */
  async record(tx: SqlExecutor, service: string, callId: string, reply: unknown, ttlSeconds: number) {
    const [row] = await tx.query<{ recorded: boolean }>(
      "SELECT sfn.processed_call_record($1, $2, $3::jsonb, $4) AS recorded",
      [service, callId, JSON.stringify(reply), ttlSeconds],
    );
    return row?.recorded === true;
  },
  async purgeExpired(tx: SqlExecutor, limit = 10_000): Promise<number> {
    const [row] = await tx.query<{ n: number }>("SELECT sfn.processed_calls_purge($1) AS n", [limit]);
    return Number(row?.n ?? 0);
  },
};

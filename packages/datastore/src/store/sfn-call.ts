import type { UserContext } from "@sfn/contracts";
import type { SqlExecutor } from "../driver/sql-driver.js";
import { errorFromSql, type SqlErrorInfo } from "../errors/map-error.js";

/** Who is calling, as sfn.call receives it (the first argument). */
export interface SqlCallerContext {
  userId: string;
  roles: readonly string[];
  database?: string;
  tokenId?: string;
  callId?: string;
  traceId?: string;
  maxDocumentBytes?: number;
  /**
   * The operation is the only statement of its transaction (run alone, not joined): its audit rows are
   * linked into the chain at once instead of at commit. Wrongly set, it only costs concurrency.
   */
  standalone?: boolean;
}

/** Where the audit trail should point: the call and trace an operation belongs to. */
export interface CallCorrelation {
  callId?: string;
  traceId?: string;
}

export function callerContext(
  user: UserContext,
  database: string | undefined,
  correlation: CallCorrelation,
  maxDocumentBytes?: number,
): SqlCallerContext {
  return {
    userId: user.userId,
    roles: [...user.roles],
    ...(database === undefined ? {} : { database }),
    ...(user.tokenId === undefined ? {} : { tokenId: user.tokenId }),
    ...(correlation.callId === undefined ? {} : { callId: correlation.callId }),
    ...(correlation.traceId === undefined ? {} : { traceId: correlation.traceId }),
    ...(maxDocumentBytes === undefined ? {} : { maxDocumentBytes }),
  };
}

export const SFN_CALL_SQL = "SELECT sfn.call($1::jsonb, $2::text, $3::jsonb) AS reply";

type Reply = { ok: unknown; documents?: unknown } | { error: SqlErrorInfo };

/**
 * Runs one operation through sfn.call, the single entry point of the shared SQL, and returns its `ok`
 * member (and the whole reply for extras); an `error` member is thrown as the matching typed error.
 * `args` is an object, or its JSON text when the caller serialised it already.
 */
export async function callSfn<T>(
  executor: SqlExecutor,
  ctx: SqlCallerContext,
  op: string,
  args: Record<string, unknown> | string,
  signal?: AbortSignal,
): Promise<{ ok: T; reply: Record<string, unknown> }> {
  const rows = await executor.query<{ reply: Reply }>(
    SFN_CALL_SQL,
    [JSON.stringify(ctx), op, typeof args === "string" ? args : JSON.stringify(args)],
    signal === undefined ? undefined : { signal },
  );
  const reply = rows[0]?.reply;
  if (reply === undefined || reply === null) throw new Error("sfn.call returned no row");
  if ("error" in reply) throw errorFromSql(reply.error);
  return { ok: reply.ok as T, reply: reply as Record<string, unknown> };
}

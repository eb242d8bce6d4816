import { SystemError, TimeoutError } from "@sfn/contracts";
import type { SqlExecutor } from "@sfn/datastore";

/**
 * The call's transaction as the function sees it. Once the attempt has ended (committed, rolled back
 * or timed out), every further statement is refused: a function that ignores its AbortSignal could
 * otherwise write through a connection already back in the pool, outside any transaction.
 */
export function guardedExecutor(
  tx: SqlExecutor,
  signal: AbortSignal,
): { executor: SqlExecutor; close(): void } {
  let closed = false;
  const refuse = () => SfnRefusal(signal.aborted ? signal.reason : undefined) as Error;
  return {
    executor: {
      query(text, params, options) {
        if (closed || signal.aborted) return Promise.reject(refuse());
        return tx.query(text, params, { signal, ...options });
      },
      exec(script) {
        if (closed || signal.aborted) return Promise.reject(refuse());
        return tx.exec(script);
      },
    },
    close() {
      closed = true;
    },
  };
}

function SfnRefusal(reason: unknown): Error {
  if (reason instanceof TimeoutError) return reason;
  return new SystemError("the call's transaction has ended", { code: "SFN_INTERNAL", retryable: false });
}

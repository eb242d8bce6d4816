import { ErrorCodes, TimeoutError } from "@sfn/contracts";

/**
 * Runs `work` with an AbortSignal that fires after `limitMs`; rejects with TimeoutError SFN_TIMEOUT at
 * that moment even if `work` ignores the signal (its late result is discarded, P-TIME-4).
 */
export async function withTimeLimit<T>(
  limitMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new TimeoutError("the function exceeded its time limit", {
          code: ErrorCodes.timeout,
          details: { limitMs },
        });
        controller.abort(error);
        reject(error);
      },
      Math.max(0, limitMs),
    );
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

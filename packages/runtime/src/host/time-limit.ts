import { ErrorCodes, TimeoutError } from "@sfn/contracts";

/**
 * Runs `work` with a time limit of `limitMs`: at that moment `onTimeout` gets the TimeoutError
 * SFN_TIMEOUT (to abort the call's signals) and the result rejects with it, even if `work` ignores its
 * signal (its late result is discarded, P-TIME-4). One timer and one promise per call.
 */
export function withTimeLimit<T>(
  limitMs: number,
  work: () => T | PromiseLike<T>,
  onTimeout: (error: TimeoutError) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        const error = new TimeoutError("the function exceeded its time limit", {
          code: ErrorCodes.timeout,
          details: { limitMs },
        });
        onTimeout(error);
        reject(error);
      },
      Math.max(0, limitMs),
    );
    const settle = (ok: boolean, value: unknown) => {
      clearTimeout(timer);
      if (ok) resolve(value as T);
      else reject(value);
    };
    try {
      const result = work();
      if (result !== null && typeof (result as PromiseLike<T>)?.then === "function") {
        (result as PromiseLike<T>).then(
          (value) => settle(true, value),
          (error: unknown) => settle(false, error),
        );
      } else settle(true, result);
    } catch (error) {
      settle(false, error);
    }
  });
}

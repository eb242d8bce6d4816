import { raceAbort } from "@sfn/contracts";

/** Waits `ms` milliseconds without keeping the process alive; rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return raceAbort(
    new Promise<void>((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
    signal,
  );
}

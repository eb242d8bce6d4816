// Load shapes of the benchmark: closed loop (N calls, W in flight) and open loop (a fixed rate).

export interface LoadResult {
  label: string;
  mode: string;
  calls: number;
  callsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export type Call = () => Promise<void>;

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function result(
  label: string,
  mode: string,
  latencies: number[],
  seconds: number,
  errors: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    label,
    mode,
    calls: latencies.length,
    callsPerSecond: latencies.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    errors,
  };
}

/** `total` calls with `window` in flight at any time. */
export async function closedLoop(
  label: string,
  call: Call,
  total: number,
  window: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(window, total) }, async () => {
      while (next < total) {
        next++;
        const t = performance.now();
        try {
          await call();
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  const mode = window === 1 ? "sequential" : `${window} in flight`;
  return result(label, mode, latencies, (performance.now() - started) / 1000, errors);
}

/** Calls started at `rate` per second for `seconds`, whatever the replies do (latency under a set load). */
export async function openLoop(
  label: string,
  call: Call,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent++) {
        const t = performance.now();
        pending.push(
          call().then(
            () => {
              latencies.push(performance.now() - t);
            },
            () => {
              errors++;
            },
          ),
        );
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  });
  await Promise.all(pending);
  return result(label, `${rate}/s open loop`, latencies, (performance.now() - started) / 1000, errors);
}

export function formatResult(r: LoadResult): string {
  return `${r.label.padEnd(44)} ${r.mode.padEnd(17)} ${String(Math.round(r.callsPerSecond)).padStart(6)} calls/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${r.errors ? `  (${r.errors} errors!)` : ""}`;
}

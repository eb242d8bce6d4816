/** Latency samples of one run and what the report prints. */
export interface RunResult {
  callsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) of this process per call, µs: the requester's own cost, which unlike
   * calls/s hardly depends on what else loads the machine. */
  cpuMicrosPerCall: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `call` `total` times with `window` calls in flight; latency per call, throughput over all. */
export async function measure(
  total: number,
  window: number,
  call: () => Promise<unknown>,
): Promise<RunResult> {
  const latencies = new Array<number>(total);
  let started = 0;
  const cpu = process.cpuUsage();
  const begin = performance.now();
  const worker = async () => {
    while (started < total) {
      const index = started++;
      const t0 = performance.now();
      await call();
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  const elapsed = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    callsPerSecond: (total / elapsed) * 1000,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMicrosPerCall: (used.user + used.system) / total,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The median of each figure over several rounds of the same run. */
export function medianResult(results: RunResult[]): RunResult {
  return {
    callsPerSecond: median(results.map((r) => r.callsPerSecond)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    cpuMicrosPerCall: median(results.map((r) => r.cpuMicrosPerCall)),
  };
}

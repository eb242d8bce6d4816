// The benchmark measures the runtime as shipped: its tsup build (dist/, `pnpm bench` builds it first),
// not the TypeScript sources through tsx, whose keepNames transform wraps every closure the host creates
// per call in a defineProperty call (~8 % of the pipeline's CPU in a profile).

import type * as Runtime from "../../src/index.js";
import type { ServiceDefinition } from "../../src/index.js";
import { notesContract, sleep } from "../../test/support/notes-service.js";

export type RuntimeModule = typeof Runtime;

/** A build of the runtime: by default this package's dist; BENCH_BASELINE_RUNTIME names another. */
export async function loadRuntime(specifier = "@sfn/runtime"): Promise<RuntimeModule> {
  const url = specifier.startsWith("/") ? new URL(`file://${specifier}`).href : specifier;
  return (await import(url)) as RuntimeModule; // a variable specifier: type-checking needs no build
}

export const runtime = await loadRuntime();

/**
 * Another build to compare with in the same run (e.g. the previous commit's, built to a dist of its
 * own under node_modules/ so that it resolves the same dependencies), or undefined.
 */
export const baseline = process.env.BENCH_BASELINE_RUNTIME
  ? await loadRuntime(process.env.BENCH_BASELINE_RUNTIME)
  : undefined;

type Note = { text: string; ms?: number };

/** The notes contract's echo, echoDedup and pause functions, defined through the built runtime. */
export function benchService(name: string, build: RuntimeModule = runtime): ServiceDefinition {
  const notes = notesContract(name);
  const { echo, echoDedup, pause } = notes.functions;
  return build.defineService({
    name,
    contract: { ...notes, functions: { echo: echo!, echoDedup: echoDedup!, pause: pause! } },
    functions: {
      echo: async (p: Note) => p,
      echoDedup: async (p: Note) => p,
      /** Waits `ms` (I/O the function awaits): what the concurrency setting is for. */
      pause: async (p: Note, ctx: Runtime.CallContext) => {
        await sleep(p.ms ?? 5, ctx.signal);
        return p;
      },
    },
  }) as ServiceDefinition;
}

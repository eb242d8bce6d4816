#!/usr/bin/env node
import { parseOptions, USAGE, UsageError, wantsHelp } from "./options.js";
import { runConformance } from "./run.js";

async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(USAGE);
    return 0;
  }
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sfn conformance: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const run = await runConformance(options);
  process.stdout.write(`\n${run.matrix}\n\n`);
  process.stdout.write(
    `${run.ok ? "conformance: no unexpected failure" : "conformance: UNEXPECTED FAILURES"} (${(run.report.durationMs / 1000).toFixed(1)} s)\n`,
  );
  return run.ok ? 0 : 1;
}

// Ctrl-C / SIGTERM: exit through process.exit so that the launched runtimes and brokers are reaped.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `sfn conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);

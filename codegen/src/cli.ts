#!/usr/bin/env node
// sfn-codegen: see cli/usage.ts. Wrapped by the `sfn` CLI as `sfn codegen`.
import { main } from "./cli/main.js";

main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sfn-codegen: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);

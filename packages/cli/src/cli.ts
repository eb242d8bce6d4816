#!/usr/bin/env node
import { runSfn } from "./run.js";

process.exitCode = await runSfn(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});

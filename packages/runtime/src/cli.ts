#!/usr/bin/env node
// sfn-runtime: the process entrypoint of a service directory — what the Node base image, the sidecar's
// process driver and `sfn dev` start.
//   sfn-runtime start [service-dir]   load sfn.config.json, import the entry, serve until SIGTERM
//   sfn-runtime check [service-dir]   load and check everything, print the functions, exit
//   sfn-runtime dlq list|show|replay  inspect and re-drive dead letters (`sfn dlq`)
import { enableCompileCache } from "node:module";

// V8's on-disk compile cache: every deploy restarts the function process, and compiling the ~500
// modules the runtime loads is about a third of its start-up. SFN_COMPILE_CACHE names the directory
// (default: Node's, under the temp dir) or turns it off. A directory that cannot be written is skipped.
if (process.env.SFN_COMPILE_CACHE !== "off") enableCompileCache(process.env.SFN_COMPILE_CACHE || undefined);

// Imported only now, so that the cache covers it.
import("./entry/cli-main.js").then(({ runCli }) => runCli(process.argv.slice(2)));

// @sfn/cli — the `sfn` command, also callable programmatically.
export { argumentsFor, type CommandRoute, commandRoutes, usage } from "./commands.js";
export { type RunIo, resolveBin, runSfn } from "./run.js";

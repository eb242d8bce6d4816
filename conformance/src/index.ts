/**
 * @sfn/conformance — the conformance runner (`sfn conformance`): loads the language-neutral cases, runs
 * them against each language's conformance service and reports the case × language matrix.
 */
export { type ConformanceRun, runConformance } from "./run.js";
export { type ConformanceOptions, parseOptions, USAGE, UsageError } from "./options.js";
export { loadSuite, conformanceRoot, type Suite } from "./load/repository.js";
export { selectCases, globToRegExp } from "./load/select.js";
export { match } from "./match/matcher.js";
export { substitute, interpolate, UnknownVariableError, type Resolver } from "./match/variables.js";
export { craftAuthorization, type TokenAuthority } from "./tokens/craft.js";
export { loadTokenVectors, type TokenVector } from "./tokens/vectors.js";
export { formatMatrix } from "./report/matrix.js";
export { formatJUnit } from "./report/junit.js";
export { formatHtml } from "./report/html.js";
export type { JsonReport } from "./report/json.js";
export type * from "./model.js";

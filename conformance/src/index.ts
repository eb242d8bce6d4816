/**
 * @sfn/conformance — the conformance runner (`sfn conformance`): loads the language-neutral cases, runs
 * them against each language's conformance service and reports the case × language matrix.
 */

export { conformanceRoot, loadSuite, type Suite } from "./load/repository.js";
export { globToRegExp, selectCases } from "./load/select.js";
export { match } from "./match/matcher.js";
export { interpolate, type Resolver, substitute, UnknownVariableError } from "./match/variables.js";
export type * from "./model.js";
export { type ConformanceOptions, parseOptions, USAGE, UsageError } from "./options.js";
export { formatHtml } from "./report/html.js";
export type { JsonReport } from "./report/json.js";
export { formatJUnit } from "./report/junit.js";
export { formatMatrix } from "./report/matrix.js";
export { type ConformanceRun, runConformance } from "./run.js";
export { craftAuthorization, type TokenAuthority } from "./tokens/craft.js";
export { loadTokenVectors, type TokenVector } from "./tokens/vectors.js";

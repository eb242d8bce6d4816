// @sfn/codegen — platform bindings and service-contract glue for TypeScript, Python, Go, Java and C#,
// and the contract compatibility classifier.

export { main as runCli } from "./cli/main.js";
export { classifyContracts, formatClassification } from "./compat/classify.js";
export type { Classification, Difference, Severity } from "./compat/model.js";
export { generateContractCached } from "./contract/cached.js";
export {
  ContractError,
  type ContractErrorCode,
  ContractErrorCodes,
  type ContractProblem,
} from "./contract/errors.js";
export { contractHash, generateContract } from "./contract/generate.js";
export { SUPPORTED_FORMATS, SUPPORTED_KEYWORDS } from "./contract/lint.js";
export { loadContract } from "./contract/load.js";
export type { Contract, ContractFunction } from "./contract/model.js";
export { CONTRACT_LANGUAGES, type ContractLanguage, type ContractOptions } from "./contract/options.js";
export type { GeneratedFile } from "./core/generated-file.js";
export type { StaleFile } from "./core/output.js";
export type { InterfaceManifest, Operation, Param, TypeRef } from "./operations/model.js";
export { checkPlatform, generatePlatform, writePlatform } from "./platform/generate.js";
export { PLATFORM_DIRS, PLATFORM_LANGUAGES, type PlatformLanguage } from "./platform/targets.js";
export { GENERATOR_VERSION } from "./version.js";

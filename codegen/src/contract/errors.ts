import { ValidationError } from "@sfn/contracts";

/** Stable codes of contract problems; conformance and tools branch on these, never on messages. */
export const ContractErrorCodes = {
  /** The document is not JSON or not a ServiceContract. */
  invalid: "SFN_CONTRACT_INVALID",
  /** A function name appears twice (literally, or after each language's case conversion). */
  duplicateFunction: "SFN_CONTRACT_FUNCTION_DUPLICATE",
  /** A function's input/output names no definition. */
  definitionMissing: "SFN_CONTRACT_DEFINITION_MISSING",
  /** A `$ref` that is not `#/definitions/<existing name>`. */
  unknownRef: "SFN_CONTRACT_REF_UNKNOWN",
  /** A JSON Schema keyword (or format) the generator cannot carry into every language. */
  unsupportedKeyword: "SFN_CONTRACT_KEYWORD_UNSUPPORTED",
  /** A schema shape quicktype would turn into wrong types (e.g. oneOf/anyOf of objects). */
  unsupportedSchema: "SFN_CONTRACT_SCHEMA_UNSUPPORTED",
} as const;

export type ContractErrorCode = (typeof ContractErrorCodes)[keyof typeof ContractErrorCodes];

export interface ContractProblem {
  /** JSON pointer (RFC 6901) into the contract document. */
  pointer: string;
  code: ContractErrorCode;
  message: string;
}

/** An invalid contract; `problems` lists every problem found, each with its JSON pointer. */
export class ContractError extends ValidationError {
  readonly problems: readonly ContractProblem[];

  constructor(source: string, problems: readonly ContractProblem[]) {
    const first = problems[0]!;
    super(`${source}: ${problems.map((p) => `${p.pointer || "/"}: ${p.message}`).join("; ")}`, {
      code: first.code,
      details: { problems },
    });
    this.problems = problems;
  }
}

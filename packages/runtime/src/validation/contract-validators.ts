import { type SchemaViolation, type ServiceContract, ValidationError } from "@sfn/contracts";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export type ParameterCheck = { valid: true } | { valid: false; violations: SchemaViolation[] };

/** The compiled input and output validators of one function. */
export interface FunctionValidators {
  input(value: unknown): ParameterCheck;
  output(value: unknown): ParameterCheck;
}

function toViolations(prefix: string, errors: ErrorObject[] | null | undefined): SchemaViolation[] {
  return (errors ?? []).map((error) => {
    const missing =
      error.keyword === "required"
        ? (error.params as { missingProperty?: string }).missingProperty
        : undefined;
    const path = `${prefix}${error.instancePath}${missing === undefined ? "" : `/${missing}`}`;
    return { path, keyword: error.keyword, message: error.message ?? error.keyword };
  });
}

function check(validate: ValidateFunction, prefix: string): (value: unknown) => ParameterCheck {
  return (value) =>
    validate(value) ? { valid: true } : { valid: false, violations: toViolations(prefix, validate.errors) };
}

/**
 * Compiles every function's input and output schema once (P-LIFE-5: JSON Schema 2020-12, formats
 * asserted, `#/definitions/<name>` resolved within the contract). A contract whose schemas do not
 * compile, or that names a missing definition, fails start-up with a ValidationError.
 */
export function compileContract(contract: ServiceContract): Map<string, FunctionValidators> {
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats.default(ajv);
  const rootId = `urn:sfn:contract:${contract.service}`;
  ajv.addSchema({ $id: rootId, definitions: contract.definitions });
  const compiled = new Map<string, FunctionValidators>();
  for (const [name, spec] of Object.entries(contract.functions)) {
    const missing = [spec.input, spec.output].filter((d) => !(d in contract.definitions));
    if (missing.length > 0) {
      throw new ValidationError(`function ${name} references missing definitions`, {
        details: { function: name, missing },
      });
    }
    try {
      const input = ajv.compile({ $ref: `${rootId}#/definitions/${spec.input}` });
      const output = ajv.compile({ $ref: `${rootId}#/definitions/${spec.output}` });
      compiled.set(name, { input: check(input, "/body/parameters"), output: check(output, "/body/result") });
    } catch (error) {
      throw new ValidationError(`schemas of function ${name} do not compile`, {
        details: { function: name, reason: (error as Error).message },
        cause: error,
      });
    }
  }
  return compiled;
}

import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { canonicalSchemas } from "../generated/schemas.generated.js";
import type { WireTypes } from "../generated/wire-type-map.generated.js";

/** Name of a canonical schema (its `title`): the wire types plus tooling schemas such as Operations. */
export type WireTypeName = keyof typeof canonicalSchemas;

/** The TypeScript type a schema describes (unknown for tooling schemas). */
export type WireTypeOf<K extends WireTypeName> = K extends keyof WireTypes ? WireTypes[K] : unknown;

/** One reason a value failed its schema, located by JSON pointer. */
export interface SchemaViolation {
  /** JSON pointer into the validated value ("" is the value itself). */
  path: string;
  /** The schema keyword that failed (required, type, pattern, …). */
  keyword: string;
  message: string;
}

export type ValidationResult<T> = { valid: true; value: T } | { valid: false; violations: SchemaViolation[] };

function toViolation(error: ErrorObject): SchemaViolation {
  const missing =
    error.keyword === "required" ? (error.params as { missingProperty?: string }).missingProperty : undefined;
  const path = missing === undefined ? error.instancePath : `${error.instancePath}/${missing}`;
  return { path, keyword: error.keyword, message: error.message ?? error.keyword };
}

/**
 * Validates values against the canonical schemas. Validators are compiled lazily, once per type,
 * because compiling costs ~20 ms each and most processes use only a few types.
 */
export class WireValidator {
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<WireTypeName, ValidateFunction>();

  constructor() {
    // validateSchema off: checking the canonical schemas against the 2020-12 meta-schema costs ~45 ms of
    // every process's start-up; they are fixed at build time and the unit tests check them once.
    this.#ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      validateSchema: false,
    });
    addFormats.default(this.#ajv);
    for (const schema of Object.values(canonicalSchemas)) this.#ajv.addSchema(schema as object);
  }

  #validator(type: WireTypeName): ValidateFunction {
    let validate = this.#compiled.get(type);
    if (validate === undefined) {
      validate = this.#ajv.getSchema(canonicalSchemas[type].$id);
      if (validate === undefined) throw new TypeError(`unknown wire type '${String(type)}'`);
      this.#compiled.set(type, validate);
    }
    return validate;
  }

  validate<K extends WireTypeName>(type: K, value: unknown): ValidationResult<WireTypeOf<K>> {
    const validate = this.#validator(type);
    if (validate(value)) return { valid: true, value: value as WireTypeOf<K> };
    return { valid: false, violations: (validate.errors ?? []).map(toViolation) };
  }

  is<K extends WireTypeName>(type: K, value: unknown): value is WireTypeOf<K> {
    return this.#validator(type)(value);
  }
}

let shared: WireValidator | undefined;

/** The process-wide validator (compiled schemas are cached in it). */
export function wireValidator(): WireValidator {
  shared ??= new WireValidator();
  return shared;
}

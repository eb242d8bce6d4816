import { ValidationError } from "@sfn/contracts";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { DataStoreErrorCodes } from "../errors/codes.js";

export interface SchemaViolation {
  /** JSON Pointer of the failing value ('' = the document itself). */
  path: string;
  message: string;
}

const METADATA = ["id", "owner", "createdAt", "updatedAt"] as const;

/** Compiles collection JSON Schemas (draft 2020-12) once each and validates documents against them. */
export class SchemaValidators {
  readonly #ajv = new Ajv2020({ allErrors: true, strict: false });
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor() {
    addFormats.default(this.#ajv);
  }

  /** Throws ValidationError SFN_SCHEMA_VIOLATION listing every failing path. */
  assertValid(schema: unknown, document: unknown, index = 0): void {
    const validate = this.#validator(schema);
    if (validate(document)) return;
    const errors: SchemaViolation[] = (validate.errors ?? []).map((e) => ({
      path:
        e.keyword === "required"
          ? `${e.instancePath}/${String((e.params as { missingProperty?: string }).missingProperty)}`
          : e.instancePath,
      message: e.message ?? e.keyword,
    }));
    const paths = [...new Set(errors.map((e) => e.path || "/"))];
    throw new ValidationError(`the document does not match the collection's schema at ${paths.join(", ")}`, {
      code: DataStoreErrorCodes.schemaViolation,
      details: { index, errors },
    });
  }

  /** The application fields of a stored document (what the schema describes). */
  static applicationFields(document: Record<string, unknown>): Record<string, unknown> {
    const copy = { ...document };
    for (const key of METADATA) delete copy[key];
    return copy;
  }

  #validator(schema: unknown): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.#compiled.get(key);
    if (validate === undefined) {
      try {
        validate = this.#ajv.compile(schema as object);
      } catch (cause) {
        throw new ValidationError("the collection's JSON Schema does not compile", {
          code: DataStoreErrorCodes.collectionConfigInvalid,
          cause,
        });
      }
      this.#compiled.set(key, validate);
    }
    return validate;
  }
}

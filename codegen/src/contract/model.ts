import type { SchemaObject } from "../schema/transform.js";

export interface ContractFunction {
  name: string;
  input: string;
  output: string;
  description?: string;
  authenticated?: boolean;
  timeoutMs?: number;
  idempotent?: boolean;
}

/** A loaded, validated and normalised service contract. */
export interface Contract {
  service: string;
  schemaVersion: string;
  backwardCompatible: string[];
  /** Sorted by name. */
  functions: ContractFunction[];
  /** Normalised JSON Schemas by definition name (sorted keys). */
  definitions: Record<string, SchemaObject>;
}

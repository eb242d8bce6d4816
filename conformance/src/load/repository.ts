import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { AnySchema, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { CapabilitySpec, Case, RuntimeSpec } from "../model.js";

/** The conformance folder (where cases/, runtimes/, … live), from src/ or dist/. */
export function conformanceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i += 1) {
    if (existsSync(join(dir, "contract.json")) && existsSync(join(dir, "cases"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("cannot find the conformance folder (contract.json, cases/) above the runner");
}

export function repositoryRoot(root: string): string {
  return resolve(root, "..");
}

export class InvalidSuiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSuiteError";
  }
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function validator(root: string): {
  cases: ValidateFunction;
  runtime: ValidateFunction;
  capabilities: ValidateFunction;
} {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const capabilities = readJson<AnySchema>(join(root, "schema", "capabilities.schema.json"));
  ajv.addSchema(capabilities);
  const capabilitiesValidator = ajv.getSchema("https://schemas.sfn.dev/conformance/capabilities.schema.json");
  if (!capabilitiesValidator) throw new InvalidSuiteError("capabilities.schema.json did not compile");
  return {
    cases: ajv.compile(readJson<AnySchema>(join(root, "schema", "case.schema.json"))),
    runtime: ajv.compile(readJson<AnySchema>(join(root, "schema", "runtime.schema.json"))),
    capabilities: capabilitiesValidator,
  };
}

function check<T>(validate: ValidateFunction, value: unknown, file: string): T {
  if (!validate(value)) {
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}`);
    throw new InvalidSuiteError(`${file} is invalid: ${errors.slice(0, 5).join("; ")}`);
  }
  return value as T;
}

export interface Suite {
  root: string;
  cases: Case[];
  runtimes: Map<string, RuntimeSpec>;
  capabilities: Map<string, CapabilitySpec>;
}

/** Loads and validates every case, runtime and capability file. */
export function loadSuite(root: string = conformanceRoot()): Suite {
  const v = validator(root);
  const caseDir = join(root, "cases");
  const cases = readdirSync(caseDir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".case.json"))
    .sort()
    .map((name) => check<Case>(v.cases, readJson(join(caseDir, name)), `cases/${name}`));
  const runtimes = new Map<string, RuntimeSpec>();
  for (const name of readdirSync(join(root, "runtimes"))
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const spec = check<RuntimeSpec>(v.runtime, readJson(join(root, "runtimes", name)), `runtimes/${name}`);
    runtimes.set(spec.language, spec);
  }
  const capabilities = new Map<string, CapabilitySpec>();
  for (const name of readdirSync(join(root, "capabilities"))
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const spec = check<CapabilitySpec>(
      v.capabilities,
      readJson(join(root, "capabilities", name)),
      `capabilities/${name}`,
    );
    capabilities.set(spec.language, spec);
  }
  return { root, cases, runtimes, capabilities };
}

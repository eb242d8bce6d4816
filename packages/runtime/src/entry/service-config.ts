import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type ServiceContract, ValidationError } from "@sfn/contracts";
import { Ajv2020 } from "ajv/dist/2020.js";

/**
 * `sfn.config.json`: what a service directory holds, read by the host (`sfn-runtime start`), `sfn dev`,
 * and later the build and the sidecar. Paths are relative to the file.
 */
export interface ServiceConfig {
  /** The service name (topic `service/{name}`); must equal the contract's `service`. */
  name: string;
  /** The service contract (JSON): functions with input/output schemas. */
  contract: string;
  /** The module exporting the service: a `defineService(...)` result, or an `@service` class. */
  entry: string;
  /** The logical database of the functions (SFN_DATABASE); default "app". */
  database?: string;
  /** Handed to every function as `ctx.config`. */
  settings?: Record<string, unknown>;
  /** Local development only (`sfn dev`, an embedded `pglite:` database). */
  dev?: {
    /** Permissions per token role on `database`, granted when the embedded database is created. */
    grants?: Record<string, string[]>;
  };
}

export interface LoadedServiceConfig {
  /** Absolute path of the `sfn.config.json`. */
  file: string;
  /** The service directory. */
  dir: string;
  config: ServiceConfig;
  contract: ServiceContract;
  /** Absolute path of the entry module. */
  entry: string;
}

export const SERVICE_CONFIG_FILE = "sfn.config.json";

const serviceConfigSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  additionalProperties: false,
  required: ["name", "contract", "entry"],
  properties: {
    $schema: { type: "string" },
    name: { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_-]{0,127}$" },
    contract: { type: "string", minLength: 1 },
    entry: { type: "string", minLength: 1 },
    database: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]{0,62}$" },
    settings: { type: "object" },
    dev: {
      type: "object",
      additionalProperties: false,
      properties: {
        grants: {
          type: "object",
          additionalProperties: { type: "array", items: { type: "string" }, minItems: 1 },
        },
      },
    },
  },
} as const;

const validateConfig = new Ajv2020({ allErrors: true, strict: true }).compile(serviceConfigSchema);

function invalid(file: string, message: string, details: Record<string, unknown> = {}): never {
  throw new ValidationError(`${file}: ${message}`, {
    code: "SFN_SERVICE_CONFIG_INVALID",
    details: { file, ...details },
  });
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) invalid(file, `${what} not found`);
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return invalid(file, `${what} is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Reads and checks `sfn.config.json` (a directory or the file itself) and the contract it names. Every
 * problem is a ValidationError (code SFN_SERVICE_CONFIG_INVALID) naming the file and the field.
 */
export function loadServiceConfig(path: string): LoadedServiceConfig {
  const given = resolve(path);
  const file = given.endsWith(".json") ? given : join(given, SERVICE_CONFIG_FILE);
  const raw = readJson(file, "service config");
  if (!validateConfig(raw)) {
    const problems = (validateConfig.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
    invalid(file, `invalid service config: ${problems.join("; ")}`, { problems });
  }
  const config = raw as ServiceConfig;
  const dir = dirname(file);
  const contractFile = resolve(dir, config.contract);
  const contract = readJson(contractFile, "contract") as ServiceContract;
  if (typeof contract !== "object" || contract === null || typeof contract.functions !== "object") {
    invalid(contractFile, "a contract needs a `functions` object");
  }
  if (contract.service !== config.name) {
    invalid(file, `name '${config.name}' differs from the contract's service '${String(contract.service)}'`, {
      field: "name",
    });
  }
  const entry = resolve(dir, config.entry);
  if (!existsSync(entry)) invalid(file, `entry ${config.entry} not found`, { field: "entry" });
  return { file, dir, config, contract, entry };
}

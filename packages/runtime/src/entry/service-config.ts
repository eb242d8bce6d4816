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
  /**
   * The module exporting the service. Node: a `defineService(...)` result, or an `@service` class.
   * Python: `pkg/module.py` or `pkg/module.py:ClassName` (the `@service` class; default: `name`), its
   * import path being its path from this directory (`user_service/service.py` → `user_service.service`).
   */
  entry: string;
  /**
   * The runtime that hosts the service: `node` (@sfn/runtime) or `python` (sfn-runtime for Python).
   * Default: `python` when the entry is a `.py` module, else `node`.
   */
  language?: ServiceLanguage;
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

/** The languages a service can be written in: the runtime that hosts it. */
export const SERVICE_LANGUAGES = ["node", "python"] as const;
export type ServiceLanguage = (typeof SERVICE_LANGUAGES)[number];

/** Where the Python runtime finds a Python service: `python -m sfn_runtime <spec> contract.json`. */
export interface PythonEntry {
  /** The entry module's import path (`user_service.service`). */
  module: string;
  /** The `@service` class in it (`UserService`). */
  attribute: string;
  /** `module:attribute`, the first argument of `python -m sfn_runtime`. */
  spec: string;
}

export interface LoadedServiceConfig {
  /** Absolute path of the `sfn.config.json`. */
  file: string;
  /** The service directory. */
  dir: string;
  config: ServiceConfig;
  contract: ServiceContract;
  /** Absolute path of the entry module (for Python without the `:ClassName` suffix). */
  entry: string;
  /** `config.language`, or the one inferred from the entry's extension. */
  language: ServiceLanguage;
  /** Python services: the module and class the Python runtime loads. */
  python?: PythonEntry;
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
    language: { enum: SERVICE_LANGUAGES },
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
  const python = PYTHON_ENTRY.exec(config.entry);
  const language = config.language ?? (python ? "python" : "node");
  if (language === "node" && python) {
    invalid(file, `entry ${config.entry} is a Python module, but language is 'node'`, { field: "language" });
  }
  if (language === "python" && !python) {
    invalid(file, `language 'python' needs a Python entry (pkg/module.py[:Class]), got ${config.entry}`, {
      field: "entry",
    });
  }
  const pythonTarget = python ? pythonEntry(file, config, python) : undefined;
  const entry = resolve(dir, python?.[1] ?? config.entry);
  if (!existsSync(entry)) invalid(file, `entry ${python?.[1] ?? config.entry} not found`, { field: "entry" });
  if (pythonTarget === undefined) return { file, dir, config, contract, entry, language };
  return { file, dir, config, contract, entry, language, python: pythonTarget };
}

/** `path/to/module.py` with an optional `:ClassName`. */
const PYTHON_ENTRY = /^(.+\.py)(?::([^:]*))?$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pythonEntry(file: string, config: ServiceConfig, match: RegExpExecArray): PythonEntry {
  const path = match[1]!.replace(/\\/g, "/").replace(/^\.\//, "");
  const parts = path.slice(0, -".py".length).split("/");
  if (parts.at(-1) === "__init__") parts.pop();
  if (parts.length === 0 || !parts.every((part) => IDENTIFIER.test(part))) {
    invalid(
      file,
      `entry ${config.entry}: a Python entry's path from the service directory is its import path, so every part must be an identifier (no '..', no '-')`,
      { field: "entry" },
    );
  }
  const attribute = match[2] ?? config.name;
  if (!IDENTIFIER.test(attribute)) {
    invalid(
      file,
      `entry ${config.entry}: '${attribute}' is not a Python class name; name the @service class as ${path}:ClassName`,
      { field: "entry" },
    );
  }
  const module = parts.join(".");
  return { module, attribute, spec: `${module}:${attribute}` };
}

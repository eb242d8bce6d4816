import { camelCase } from "../../core/naming.js";
import { embeddedSchema } from "../bundle.js";
import type { Contract } from "../model.js";
import { type ResolvedNames, typeName } from "../options.js";

/** Handler interface, dispatcher (routing body.function with validation) and typed client. */
export function typescriptGlue(contract: Contract, names: ResolvedNames): string {
  const P = names.pascal;
  const types = [
    ...new Set(contract.functions.flatMap((f) => [typeName(f.input), typeName(f.output)])),
  ].sort();
  const fnTable = contract.functions.map(
    (f) =>
      `  ${JSON.stringify(f.name)}: { input: ${JSON.stringify(f.input)}, output: ${JSON.stringify(f.output)} },`,
  );
  const handlers = contract.functions.map(
    (f) =>
      `${f.description ? `  /** ${f.description} */\n` : ""}  ${camelCase(f.name)}(request: ${typeName(f.input)}): Promise<${typeName(f.output)}> | ${typeName(f.output)};`,
  );
  const cases = contract.functions.map(
    (f) =>
      `      case ${JSON.stringify(f.name)}:\n        return handlers.${camelCase(f.name)}(parameters as ${typeName(f.input)});`,
  );
  const client = contract.functions.map(
    (f) =>
      `  ${f.description ? `/** ${f.description} */\n  ` : ""}async ${camelCase(f.name)}(request: ${typeName(f.input)}, options: { signal?: AbortSignal } = {}): Promise<${typeName(f.output)}> {\n    return (await this.#call(${JSON.stringify(f.name)}, request, options.signal)) as ${typeName(f.output)};\n  }`,
  );
  return `import type { ${types.join(", ")} } from "./${names.tsModule}.types.js";
import { FunctionError, type ReplyBody, type Violation, validate } from "./sfn-support.js";

export const SERVICE = ${JSON.stringify(contract.service)};
export const SCHEMA_VERSION = ${JSON.stringify(contract.schemaVersion)};

type Schema = { [key: string]: unknown };
const DEFINITIONS = (${embeddedSchema(contract)} as { definitions: Record<string, Schema> }).definitions;
const FUNCTIONS: Record<string, { input: string; output: string }> = {
${fnTable.join("\n")}
};

/** Checks a JSON value against one of the contract's definitions (maxLength, formats, required, …). */
export function validate${P}(definition: string, value: unknown): Violation[] {
  const out: Violation[] = [];
  validate(DEFINITIONS, { $ref: "#/definitions/" + definition }, value, "", out);
  return out;
}

/** The functions of ${contract.service}: implement these, the dispatcher does the rest. */
export interface ${P}Handlers {
${handlers.join("\n")}
}

function failure(type: string, code: string, message: string, details?: unknown): ReplyBody {
  return { status: "error", error: details === undefined ? { type, code, message } : { type, code, message, details } };
}

/**
 * Routes a CallBody ({function, parameters}) to the handler, validating the parameters against the
 * input schema and the result against the output schema. Always resolves with a ReplyBody.
 */
export function create${P}Dispatcher(handlers: ${P}Handlers): (body: unknown) => Promise<ReplyBody> {
  const run = (fn: string, parameters: unknown): Promise<unknown> | unknown => {
    switch (fn) {
${cases.join("\n")}
      default:
        throw new Error("unreachable");
    }
  };
  return async (body) => {
    const call = body as { function?: unknown; parameters?: unknown } | null;
    if (call === null || typeof call !== "object" || typeof call.function !== "string")
      return failure("ValidationError", "SFN_CALL_INVALID", "body must be a CallBody {function, parameters}");
    const spec = Object.hasOwn(FUNCTIONS, call.function) ? FUNCTIONS[call.function] : undefined;
    if (spec === undefined) return failure("NotFound", "SFN_FUNCTION_NOT_FOUND", "unknown function " + call.function);
    const violations = validate${P}(spec.input, call.parameters);
    if (violations.length > 0) return failure("ValidationError", "SFN_PARAMETERS_INVALID", "parameters do not match " + spec.input, { violations });
    let result: unknown;
    try {
      result = await run(call.function, call.parameters);
    } catch (e) {
      if (e instanceof FunctionError) return { status: "error", error: e.toErrorInfo() };
      return failure("SystemError", "SFN_INTERNAL", "the function failed");
    }
    const resultViolations = validate${P}(spec.output, result);
    if (resultViolations.length > 0) return failure("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec.output, { violations: resultViolations });
    return { status: "success", result };
  };
}

/** Sends one call and resolves with the success result (the runtime's Messaging.sendAndWait adapts to it). */
export interface ${P}Transport {
  call(service: string, fn: string, parameters: unknown, signal?: AbortSignal): Promise<unknown>;
}

/** Typed client: validates requests before sending and checks results against the output schema. */
export class ${P}Client {
  readonly #transport: ${P}Transport;

  constructor(transport: ${P}Transport) {
    this.#transport = transport;
  }

  async #call(fn: string, request: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const spec = FUNCTIONS[fn]!;
    const violations = validate${P}(spec.input, request);
    if (violations.length > 0) throw new FunctionError("ValidationError", "SFN_PARAMETERS_INVALID", "request does not match " + spec.input, { violations });
    const result = await this.#transport.call(SERVICE, fn, request, signal);
    const resultViolations = validate${P}(spec.output, result);
    if (resultViolations.length > 0) throw new FunctionError("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec.output, { violations: resultViolations });
    return result;
  }

${client.join("\n\n")}
}
`;
}

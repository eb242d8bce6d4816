import { isValidServiceName, type ServiceContract, ValidationError } from "@sfn/contracts";
import type { FunctionHandler } from "./call-context.js";

/** A service ready to host: its contract and one handler per contract function. */
export interface ServiceDefinition {
  readonly name: string;
  readonly contract: ServiceContract;
  readonly functions: Readonly<Record<string, FunctionHandler>>;
}

/**
 * Any handler, whatever its parameter, result and config types: handlers declare their own parameter
 * types (validated against the contract before they run), which `FunctionHandler<unknown>` would reject.
 */
// biome-ignore lint/suspicious/noExplicitAny: parameters are typed by each handler; the contract validates them
export type AnyFunctionHandler = FunctionHandler<any, any, any>;

export interface DefineServiceInput<F extends Record<string, AnyFunctionHandler>> {
  name: string;
  contract: ServiceContract;
  functions: F;
}

/**
 * Declares a service without decorators. Every contract function needs a handler and every handler
 * a contract function; otherwise a ValidationError (SFN_VALIDATION) names the mismatch.
 */
export function defineService<F extends Record<string, AnyFunctionHandler>>(
  input: DefineServiceInput<F>,
): ServiceDefinition {
  const { name, contract, functions } = input;
  if (!isValidServiceName(name)) {
    throw new ValidationError(`invalid service name '${name}'`, { code: "SFN_TOPIC_INVALID" });
  }
  if (contract.service !== name) {
    throw new ValidationError(`contract is for service '${contract.service}', not '${name}'`, {
      details: { service: name, contractService: contract.service },
    });
  }
  const declared = Object.keys(contract.functions);
  const implemented = Object.keys(functions);
  const missing = declared.filter((f) => typeof functions[f] !== "function");
  const unknown = implemented.filter((f) => !(f in contract.functions));
  if (missing.length > 0 || unknown.length > 0) {
    throw new ValidationError(`service '${name}' does not match its contract`, {
      details: { missing, unknown },
    });
  }
  return Object.freeze({
    name,
    contract,
    functions: Object.freeze({ ...functions }) as Readonly<Record<string, FunctionHandler>>,
  });
}

import type { ServiceContract } from "@sfn/contracts";
import { defineService, type ServiceDefinition } from "@sfn/runtime";
import { basicFunctions } from "./functions/basics.js";
import { documentFunctions } from "./functions/documents.js";
import { failureFunctions } from "./functions/failures.js";
import { messagingFunctions } from "./functions/messaging.js";
import { permissionFunctions } from "./functions/permissions.js";
import type { ConformanceSettings } from "./settings.js";

export const SERVICE_NAME = "Conformance";

/** The handlers of every contract function, bound to the service's settings. */
export function conformanceFunctions(settings: ConformanceSettings) {
  return {
    ...basicFunctions,
    ...documentFunctions,
    ...permissionFunctions(settings),
    ...messagingFunctions(settings),
    ...failureFunctions(settings),
  };
}

/** For typed callers: `createClient<ConformanceFunctions>(messaging, "Conformance")`. */
export type ConformanceFunctions = ReturnType<typeof conformanceFunctions>;

/**
 * The reference service of conformance/contract.json, every function as its description says.
 * defineService fails with ValidationError when the contract and the handlers differ.
 */
export function conformanceService(
  contract: ServiceContract,
  settings: ConformanceSettings,
): ServiceDefinition {
  return defineService({ name: SERVICE_NAME, contract, functions: conformanceFunctions(settings) });
}

import { pascalCase, snakeCase } from "../core/naming.js";
import type { Contract } from "./model.js";

export const CONTRACT_LANGUAGES = ["typescript", "python", "go", "java", "csharp"] as const;
export type ContractLanguage = (typeof CONTRACT_LANGUAGES)[number];

/** Per-language naming options, with idiomatic defaults derived from the service name. */
export interface ContractOptions {
  /** C# namespace (default `Sfn.Contracts.<Service>`). */
  namespace?: string;
  /** Java package (default `dev.sfn.contracts.<service>`) or Go package name (default `<service>`). */
  package?: string;
  /** Python package name (default `<service_snake>`); TypeScript file stem (default `<service-kebab>`). */
  module?: string;
  /** Only the data types: no client, handler interface, dispatcher or validator. */
  justTypes?: boolean;
}

export interface ResolvedNames {
  service: string;
  /** PascalCase service name used in type names (UserService, OrderService). */
  pascal: string;
  namespace: string;
  javaPackage: string;
  goPackage: string;
  pythonPackage: string;
  tsModule: string;
}

export function resolveNames(contract: Contract, options: ContractOptions = {}): ResolvedNames {
  const pascal = pascalCase(contract.service);
  const lower = pascal.toLowerCase();
  return {
    service: contract.service,
    pascal,
    namespace: options.namespace ?? `Sfn.Contracts.${pascal}`,
    javaPackage: options.package ?? `dev.sfn.contracts.${lower}`,
    goPackage: options.package ?? lower,
    pythonPackage: options.module ?? snakeCase(contract.service),
    tsModule: options.module ?? snakeCase(contract.service).replace(/_/g, "-"),
  };
}

/** quicktype's top-level type name of a definition (definitions are passed to it under these names). */
export const typeName = (definition: string): string => pascalCase(definition);

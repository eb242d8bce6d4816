// The language-neutral interface description of operations/*.operations.json (meta schema
// schemas/meta/Operations.schema.json in @sfn/contracts).

export type Primitive =
  | "string"
  | "integer"
  | "number"
  | "boolean"
  | "bytes"
  | "json"
  | "void"
  | "durationMs";

export type TypeRef =
  | { primitive: Primitive }
  | { ref: string }
  | { interface: string }
  | { array: TypeRef }
  | { map: TypeRef }
  | { nullable: TypeRef }
  | { callback: { params: Param[]; returns: TypeRef; async?: boolean } };

export interface Param {
  name: string;
  type: TypeRef;
  optional?: boolean;
  default?: unknown;
  description?: string;
}

export interface Operation {
  name: string;
  description?: string;
  params: Param[];
  options?: Param[];
  returns: TypeRef;
  async?: boolean;
  cancellable?: boolean;
  errors: string[];
}

export interface Factory {
  name: string;
  description?: string;
  method: string;
  params: Param[];
  async?: boolean;
}

export interface InterfaceManifest {
  interface: string;
  description?: string;
  factory: Factory;
  operations: Operation[];
  companions?: { name: string; description?: string; operations: Operation[] }[];
}

/** Operations are async unless they say otherwise. */
export const isAsync = (op: Operation): boolean => op.async !== false;

/** Manifests sorted by interface name, for deterministic output. */
export function sortedManifests(manifests: readonly InterfaceManifest[]): InterfaceManifest[] {
  return [...manifests].sort((a, b) => (a.interface < b.interface ? -1 : 1));
}

/** Every interface declared, companions included, with its operations. */
export function allInterfaces(
  manifest: InterfaceManifest,
): { name: string; description?: string; operations: Operation[] }[] {
  const main = { name: manifest.interface, operations: manifest.operations };
  return [
    manifest.description === undefined ? main : { ...main, description: manifest.description },
    ...(manifest.companions ?? []),
  ];
}

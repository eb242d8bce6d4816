import { canonicalSchemas, computeInterfaceHash, operationManifests } from "@sfn/contracts";
import type { JSONSchema } from "quicktype-core";
import type { InterfaceManifest } from "../operations/model.js";
import type { SchemaBundle } from "../quicktype/run.js";

/** The canonical definitions the platform bindings are generated from. */
export interface PlatformInputs {
  bundle: SchemaBundle;
  manifests: InterfaceManifest[];
  interfaceHash: string;
}

type SchemaDoc = { $id: string; title: string };

export function platformInputs(): PlatformInputs {
  const schemas = Object.values(canonicalSchemas) as unknown as SchemaDoc[];
  const wire = schemas.filter((s) => !s.$id.includes("/meta/")).sort((a, b) => (a.title < b.title ? -1 : 1));
  const bundle: SchemaBundle = {
    sources: wire.map((s) => ({ name: s.title, uri: s.$id })),
    documents: new Map(schemas.map((s) => [s.$id, s as unknown as JSONSchema])),
  };
  const manifests = Object.values(operationManifests) as unknown as InterfaceManifest[];
  const interfaceHash = computeInterfaceHash({
    schemas: schemas as object[],
    operations: manifests as object[],
  });
  return { bundle, manifests, interfaceHash };
}

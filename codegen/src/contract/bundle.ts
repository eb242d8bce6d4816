import type { JSONSchema } from "quicktype-core";
import { stableStringify } from "../core/stable-json.js";
import type { SchemaBundle } from "../quicktype/run.js";
import type { Contract } from "./model.js";
import { typeName } from "./options.js";

/** The contract's definitions as quicktype input: one top-level type per definition. */
export function contractBundle(contract: Contract): SchemaBundle {
  const uri = `https://contracts.sfn.dev/${contract.service}.contract.json`;
  return {
    sources: Object.keys(contract.definitions).map((name) => ({
      name: typeName(name),
      uri: `${uri}#/definitions/${name}`,
    })),
    documents: new Map([[uri, { $id: uri, definitions: contract.definitions } as unknown as JSONSchema]]),
  };
}

/** The schema the generated validators embed: definitions only, keys sorted (deterministic). */
export function embeddedSchema(contract: Contract): string {
  return stableStringify({ definitions: contract.definitions });
}

import { type JSONSchema, JSONSchemaStore } from "quicktype-core";

/** Serves schemas to quicktype by address (fragment removed), so no network is ever touched. */
export class InMemorySchemaStore extends JSONSchemaStore {
  constructor(private readonly byAddress: ReadonlyMap<string, JSONSchema>) {
    super();
  }

  override async fetch(address: string): Promise<JSONSchema | undefined> {
    return this.byAddress.get(address.replace(/#.*$/, ""));
  }
}

import {
  InputData,
  type JSONSchema,
  JSONSchemaInput,
  type LanguageName,
  quicktype,
  quicktypeMultiFile,
  type TargetLanguage,
} from "quicktype-core";
import { InMemorySchemaStore } from "../schema/store.js";

/** Named top-level types, each a schema address (`<uri>` or `<uri>#/definitions/X`), and the documents. */
export interface SchemaBundle {
  sources: readonly { name: string; uri: string }[];
  documents: ReadonlyMap<string, JSONSchema>;
}

async function inputFor(bundle: SchemaBundle): Promise<InputData> {
  const input = new JSONSchemaInput(new InMemorySchemaStore(bundle.documents));
  for (const source of bundle.sources) await input.addSource({ name: source.name, uris: [source.uri] });
  const inputData = new InputData();
  inputData.addInput(input);
  return inputData;
}

/** Runs quicktype and returns one source text. */
export async function quicktypeSingle(
  bundle: SchemaBundle,
  lang: LanguageName | TargetLanguage,
  rendererOptions: Record<string, string>,
): Promise<string> {
  const { lines } = await quicktype({
    inputData: await inputFor(bundle),
    lang,
    rendererOptions,
    fixedTopLevels: true,
  });
  return lines.join("\n");
}

/** Runs quicktype in multi-file mode (Java: one file per class), sorted by file name. */
export async function quicktypeFiles(
  bundle: SchemaBundle,
  lang: LanguageName | TargetLanguage,
  rendererOptions: Record<string, string>,
): Promise<Map<string, string>> {
  const results = await quicktypeMultiFile({
    inputData: await inputFor(bundle),
    lang,
    rendererOptions,
    fixedTopLevels: true,
  });
  const names = [...results.keys()].sort();
  return new Map(names.map((n) => [n, results.get(n)!.lines.join("\n")]));
}

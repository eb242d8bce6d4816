import { quicktypeSingle, type SchemaBundle } from "../../quicktype/run.js";
import { type Json, withoutFormats } from "../../schema/transform.js";

/**
 * quicktype emits `[property: string]: T` next to optional named members whose types T does not cover,
 * which TypeScript rejects (TS2411). Widen each index signature by the named members' types.
 */
export function widenIndexSignatures(source: string): string {
  return source.replace(/export interface \w+ \{\n([\s\S]*?)\n\}/g, (block, body: string) => {
    const index = /^(\s*)\[property: string\]: (.+);$/m.exec(body);
    if (index === null) return block;
    const memberTypes = [...body.matchAll(/^\s*(?:"[^"]+"|[\w$]+)\??:\s+(.+);$/gm)].map(
      (m) => m[1] as string,
    );
    if (memberTypes.length === 0) return block;
    const types = new Set([index[2] as string, ...memberTypes, "undefined"]);
    return block.replace(index[0], `${index[1]}[property: string]: ${[...types].join(" | ")};`);
  });
}

/**
 * TypeScript types describe parsed JSON, where a date-time is a string (quicktype would say `Date`):
 * the format is hidden from quicktype, validation still checks it.
 */
export function typescriptBundle(bundle: SchemaBundle): SchemaBundle {
  const documents = new Map(
    [...bundle.documents].map(([k, v]) => [k, withoutFormats(v as Json, (f) => f === "date-time") as object]),
  );
  return { sources: bundle.sources, documents };
}

/** Interfaces and string-literal unions for the bundle's types (erasable syntax only). */
export async function typescriptTypes(bundle: SchemaBundle): Promise<string> {
  const source = await quicktypeSingle(typescriptBundle(bundle), "typescript", {
    "just-types": "true",
    "prefer-unions": "true",
    "prefer-types": "false",
  });
  return widenIndexSignatures(source);
}

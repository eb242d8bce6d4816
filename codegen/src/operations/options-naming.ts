import { pascalCase } from "../core/naming.js";
import { allInterfaces, type InterfaceManifest, type Operation } from "./model.js";

/**
 * Name of the options type of an operation: `<Op>Options` (Azure SDK convention), prefixed with the
 * interface name when two interfaces have an operation of the same name.
 */
export function optionsTypeNamer(
  manifests: readonly InterfaceManifest[],
): (iface: string, op: Operation) => string {
  const count = new Map<string, number>();
  for (const m of manifests)
    for (const i of allInterfaces(m))
      for (const op of i.operations) count.set(op.name, (count.get(op.name) ?? 0) + 1);
  return (iface, op) =>
    (count.get(op.name) ?? 0) > 1 ? `${iface}${pascalCase(op.name)}Options` : `${pascalCase(op.name)}Options`;
}

/** Wraps a description into comment lines of at most `width` characters. */
export function wrapText(text: string, width = 96): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) out.push(line);
  return out;
}

/** Doc text of an operation: its description plus the error types it documents. */
export function operationDoc(op: Operation): string[] {
  const lines = op.description === undefined ? [] : wrapText(op.description);
  if (op.errors.length > 0) lines.push(`Errors: ${op.errors.join(", ")}.`);
  return lines;
}

import { camelCase } from "../../core/naming.js";
import {
  allInterfaces,
  type InterfaceManifest,
  isAsync,
  type Operation,
  type Param,
  sortedManifests,
  type TypeRef,
} from "../../operations/model.js";
import { operationDoc, optionsTypeNamer } from "../../operations/options-naming.js";

function tsType(t: TypeRef): string {
  if ("primitive" in t) {
    const map = {
      string: "string",
      integer: "number",
      number: "number",
      boolean: "boolean",
      bytes: "Uint8Array",
      json: "unknown",
      void: "void",
      durationMs: "number",
    } as const;
    return map[t.primitive];
  }
  if ("ref" in t) return t.ref;
  if ("interface" in t) return t.interface;
  if ("array" in t) return `${wrap(tsType(t.array))}[]`;
  if ("map" in t) return `Record<string, ${tsType(t.map)}>`;
  if ("nullable" in t) return `${tsType(t.nullable)} | null`;
  const cb = t.callback;
  const ret = tsType(cb.returns);
  return `(${cb.params.map((p) => `${camelCase(p.name)}: ${tsType(p.type)}`).join(", ")}) => ${cb.async === false ? ret : `Promise<${ret}> | ${ret}`}`;
}

const wrap = (s: string): string => (/[ |]/.test(s) ? `(${s})` : s);

function doc(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function paramDoc(p: Param): string[] {
  const lines = p.description === undefined ? [] : [p.description];
  if (p.type && "primitive" in p.type && p.type.primitive === "durationMs") lines.push("In milliseconds.");
  if (p.default !== undefined) lines.push(`Default ${JSON.stringify(p.default)}.`);
  return lines;
}

/** TypeScript interface declarations for the platform interfaces. */
export function typescriptInterfaces(manifests: readonly InterfaceManifest[]): string {
  const sorted = sortedManifests(manifests);
  const optionsName = optionsTypeNamer(sorted);
  const refs = new Set<string>();
  const collect = (t: TypeRef): void => {
    if ("ref" in t) refs.add(t.ref);
    else if ("array" in t) collect(t.array);
    else if ("map" in t) collect(t.map);
    else if ("nullable" in t) collect(t.nullable);
    else if ("callback" in t) {
      for (const p of t.callback.params) collect(p.type);
      collect(t.callback.returns);
    }
  };
  const out: string[] = [];
  const method = (iface: string, op: Operation): string[] => {
    const params = op.params.map((p) => `${camelCase(p.name)}${p.optional ? "?" : ""}: ${tsType(p.type)}`);
    const hasOptions = (op.options ?? []).length > 0 || op.cancellable === true;
    if (hasOptions) params.push(`options?: ${optionsName(iface, op)}`);
    const ret = tsType(op.returns);
    for (const p of [...op.params, ...(op.options ?? [])]) collect(p.type);
    collect(op.returns);
    return [
      ...doc(operationDoc(op), "  "),
      `  ${camelCase(op.name)}(${params.join(", ")}): ${isAsync(op) ? `Promise<${ret}>` : ret};`,
    ];
  };
  for (const m of sorted) {
    for (const i of allInterfaces(m)) {
      for (const op of i.operations) {
        if ((op.options ?? []).length === 0 && op.cancellable !== true) continue;
        out.push(...doc([`Optional settings of ${i.name}.${camelCase(op.name)}.`], ""));
        out.push(`export interface ${optionsName(i.name, op)} {`);
        for (const o of op.options ?? []) {
          out.push(...doc(paramDoc(o), "  "), `  ${camelCase(o.name)}?: ${tsType(o.type)};`);
          collect(o.type);
        }
        if (op.cancellable === true) out.push("  /** Aborts the operation. */", "  signal?: AbortSignal;");
        out.push("}", "");
      }
      out.push(...doc(i.description === undefined ? [] : [i.description], ""));
      out.push(`export interface ${i.name} {`);
      for (const op of i.operations) out.push(...method(i.name, op));
      out.push("}", "");
    }
    const f = m.factory;
    const params = f.params.map((p) => `${camelCase(p.name)}: ${tsType(p.type)}`).join(", ");
    for (const p of f.params) collect(p.type);
    out.push(...doc(f.description === undefined ? [] : [f.description], ""));
    out.push(
      `export interface ${f.name} {`,
      `  ${camelCase(f.method)}(${params}): ${f.async === true ? `Promise<${m.interface}>` : m.interface};`,
      "}",
      "",
    );
  }
  const imports = [...refs].sort();
  const head =
    imports.length > 0 ? [`import type { ${imports.join(", ")} } from "./wire-types.js";`, ""] : [];
  return [...head, ...out].join("\n");
}

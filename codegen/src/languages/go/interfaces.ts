import { camelCase, goName } from "../../core/naming.js";
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
import { alignGoBlocks } from "./gofmt-lite.js";

const GO_KEYWORDS = new Set([
  "break",
  "case",
  "chan",
  "const",
  "continue",
  "default",
  "defer",
  "else",
  "fallthrough",
  "for",
  "func",
  "go",
  "goto",
  "if",
  "import",
  "interface",
  "map",
  "package",
  "range",
  "return",
  "select",
  "struct",
  "switch",
  "type",
  "var",
]);

export function goType(t: TypeRef): string {
  if ("primitive" in t) {
    const map = {
      string: "string",
      integer: "int64",
      number: "float64",
      boolean: "bool",
      bytes: "[]byte",
      json: "any",
      void: "",
      durationMs: "time.Duration",
    } as const;
    return map[t.primitive];
  }
  if ("ref" in t) return t.ref;
  if ("interface" in t) return t.interface;
  if ("array" in t) return `[]${goType(t.array)}`;
  if ("map" in t) return `map[string]${goType(t.map)}`;
  if ("nullable" in t) return `*${goType(t.nullable)}`;
  const cb = t.callback;
  const params = ["ctx context.Context", ...cb.params.map((p) => `${paramName(p)} ${goType(p.type)}`)];
  const ret = goType(cb.returns);
  return `func(${params.join(", ")}) ${ret === "" ? "error" : `(${ret}, error)`}`;
}

function paramName(p: Param): string {
  const name = camelCase(p.name);
  if (!GO_KEYWORDS.has(name)) return name;
  return "ref" in p.type ? camelCase(p.type.ref) : `${name}Value`;
}

function comment(lines: string[], indent: string): string[] {
  return lines.map((l) => `${indent}// ${l}`);
}

/** Go interfaces: `ctx context.Context` first on every I/O method, an options struct pointer last. */
export function goInterfaces(manifests: readonly InterfaceManifest[], packageName: string): string {
  const sorted = sortedManifests(manifests);
  const optionsName = optionsTypeNamer(sorted);
  const out: string[] = [];
  const signature = (iface: string, op: Operation): string => {
    const params: string[] = isAsync(op) ? ["ctx context.Context"] : [];
    for (const p of op.params)
      params.push(`${paramName(p)} ${p.optional ? `*${goType(p.type)}` : goType(p.type)}`);
    if ((op.options ?? []).length > 0) params.push(`opts *${optionsName(iface, op)}`);
    const ret = goType(op.returns);
    const fails = isAsync(op) || op.errors.length > 0;
    const results = ret === "" ? (fails ? " error" : "") : fails ? ` (${ret}, error)` : ` ${ret}`;
    return `${goName(op.name)}(${params.join(", ")})${results}`;
  };
  for (const m of sorted) {
    for (const i of allInterfaces(m)) {
      for (const op of i.operations) {
        const options = op.options ?? [];
        if (options.length === 0) continue;
        const name = optionsName(i.name, op);
        out.push(
          `// ${name} are the optional settings of ${i.name}.${goName(op.name)}; nil means all defaults.`,
        );
        out.push(`type ${name} struct {`);
        for (const o of options) {
          const lines = o.description === undefined ? [] : [o.description];
          if (o.default !== undefined) lines.push(`Nil means ${JSON.stringify(o.default)}.`);
          const t = goType(o.type);
          const pointer = t.startsWith("[]") || t.startsWith("map[") ? t : `*${t}`;
          out.push(...comment(lines, "\t"), `\t${goName(o.name)} ${pointer}`);
        }
        out.push("}", "");
      }
      out.push(
        ...comment(
          i.description === undefined
            ? [`${i.name} is a platform interface.`]
            : [`${i.name}: ${i.description}`],
          "",
        ),
      );
      out.push(`type ${i.name} interface {`);
      for (const op of i.operations)
        out.push(...comment(operationDoc(op), "\t"), `\t${signature(i.name, op)}`);
      out.push("}", "");
    }
    const f = m.factory;
    const params = [
      ...(f.async === true ? ["ctx context.Context"] : []),
      ...f.params.map((p) => `${paramName(p)} ${goType(p.type)}`),
    ];
    out.push(...comment([`${f.name}: ${f.description ?? `creates ${m.interface} instances.`}`], ""));
    out.push(
      `type ${f.name} interface {`,
      `\t${goName(f.method)}(${params.join(", ")}) (${m.interface}, error)`,
      "}",
      "",
    );
  }
  const body = out.join("\n");
  const imports = ["context", ...(body.includes("time.") ? ["time"] : [])];
  return alignGoBlocks(
    [`package ${packageName}`, "", "import (", ...imports.map((i) => `\t"${i}"`), ")", "", body].join("\n"),
  );
}

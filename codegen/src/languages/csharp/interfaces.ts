import { camelCase, pascalCase } from "../../core/naming.js";
import {
  allInterfaces,
  type InterfaceManifest,
  isAsync,
  type Operation,
  type Param,
  sortedManifests,
  type TypeRef,
} from "../../operations/model.js";
import { operationDoc } from "../../operations/options-naming.js";

const VALUE_TYPES = new Set(["long", "double", "bool", "TimeSpan"]);
const CSHARP_KEYWORDS = new Set([
  "object",
  "string",
  "event",
  "params",
  "base",
  "class",
  "namespace",
  "operator",
  "out",
  "ref",
  "in",
  "lock",
  "fixed",
]);

export interface CSharpFlavour {
  /** Nullable reference type annotations (`string?`): C# 8+, not for the Mono/C# 6 variant. */
  nullableReferences: boolean;
}

export function csType(t: TypeRef, flavour: CSharpFlavour): string {
  if ("primitive" in t) {
    const map = {
      string: "string",
      integer: "long",
      number: "double",
      boolean: "bool",
      bytes: "byte[]",
      json: "object",
      void: "void",
      durationMs: "TimeSpan",
    } as const;
    return map[t.primitive];
  }
  if ("ref" in t) return t.ref;
  if ("interface" in t) return `I${t.interface}`;
  if ("array" in t) return `IReadOnlyList<${csType(t.array, flavour)}>`;
  if ("map" in t) return `IReadOnlyDictionary<string, ${csType(t.map, flavour)}>`;
  if ("nullable" in t) return nullable(csType(t.nullable, flavour), flavour, false);
  const cb = t.callback;
  const ret = csType(cb.returns, flavour);
  const result = cb.async === false ? ret : ret === "void" ? "Task" : `Task<${ret}>`;
  const args = cb.params.map((p) => csType(p.type, flavour));
  return result === "void" ? `Action<${args.join(", ")}>` : `Func<${[...args, result].join(", ")}>`;
}

function nullable(t: string, flavour: CSharpFlavour, isEnum: boolean): string {
  if (VALUE_TYPES.has(t) || isEnum) return `${t}?`;
  return flavour.nullableReferences ? `${t}?` : t;
}

function csName(name: string): string {
  const n = camelCase(name);
  return CSHARP_KEYWORDS.has(n) ? `@${n}` : n;
}

function csDefault(p: Param, type: string, flavour: CSharpFlavour): string {
  if (p.default === undefined) return `${nullable(type, flavour, false)} ${csName(p.name)} = null`;
  return `${type} ${csName(p.name)} = ${typeof p.default === "string" ? JSON.stringify(p.default) : String(p.default)}`;
}

function summary(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  const esc = (l: string): string => l.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return [`${indent}/// <summary>`, ...lines.map((l) => `${indent}/// ${esc(l)}`), `${indent}/// </summary>`];
}

function method(op: Operation, flavour: CSharpFlavour): string[] {
  const params = op.params.map((p) =>
    p.optional
      ? `${nullable(csType(p.type, flavour), flavour, false)} ${csName(p.name)} = null`
      : `${csType(p.type, flavour)} ${csName(p.name)}`,
  );
  for (const o of op.options ?? []) params.push(csDefault(o, csType(o.type, flavour), flavour));
  if (op.cancellable === true)
    params.push("CancellationToken cancellationToken = default(CancellationToken)");
  const ret = csType(op.returns, flavour);
  const returns = isAsync(op) ? (ret === "void" ? "Task" : `Task<${ret}>`) : ret;
  const name = `${pascalCase(op.name)}${isAsync(op) ? "Async" : ""}`;
  return [...summary(operationDoc(op), "        "), `        ${returns} ${name}(${params.join(", ")});`, ""];
}

/** C# interfaces: `I` prefix, `Async` suffix, `Task<T>`, options as optional parameters, `CancellationToken` last. */
export function csharpInterfaces(
  manifests: readonly InterfaceManifest[],
  namespace: string,
  flavour: CSharpFlavour,
): string {
  const out: string[] = [];
  if (flavour.nullableReferences) out.push("#nullable enable", "");
  out.push(
    `namespace ${namespace}`,
    "{",
    "    using System;",
    "    using System.Collections.Generic;",
    "    using System.Threading;",
    "    using System.Threading.Tasks;",
    "",
  );
  for (const m of sortedManifests(manifests)) {
    for (const i of allInterfaces(m)) {
      out.push(
        ...summary(i.description === undefined ? [] : [i.description], "    "),
        `    public interface I${i.name}`,
        "    {",
      );
      for (const op of i.operations) out.push(...method(op, flavour));
      out.pop();
      out.push("    }", "");
    }
    const f = m.factory;
    const params = f.params.map((p) => `${csType(p.type, flavour)} ${csName(p.name)}`);
    if (f.async === true) params.push("CancellationToken cancellationToken = default(CancellationToken)");
    const ret = f.async === true ? `Task<I${m.interface}>` : `I${m.interface}`;
    out.push(
      ...summary([f.description ?? `Creates ${m.interface} instances.`], "    "),
      `    public interface I${f.name}`,
      "    {",
      `        ${ret} ${pascalCase(f.method)}${f.async === true ? "Async" : ""}(${params.join(", ")});`,
      "    }",
      "",
    );
  }
  out.pop();
  out.push("}");
  return out.join("\n");
}

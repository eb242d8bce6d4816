import { snakeCase } from "../../core/naming.js";
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

export function pyType(t: TypeRef, position: "param" | "return"): string {
  if ("primitive" in t) {
    const map = {
      string: "str",
      integer: "int",
      number: "float",
      boolean: "bool",
      bytes: "bytes",
      json: "Any",
      void: "None",
      durationMs: "timedelta",
    } as const;
    return map[t.primitive];
  }
  if ("ref" in t) return t.ref;
  if ("interface" in t) return `"${t.interface}"`;
  if ("array" in t)
    return position === "param"
      ? `Sequence[${pyType(t.array, position)}]`
      : `list[${pyType(t.array, position)}]`;
  if ("map" in t)
    return position === "param"
      ? `Mapping[str, ${pyType(t.map, position)}]`
      : `dict[str, ${pyType(t.map, position)}]`;
  if ("nullable" in t) return `${pyType(t.nullable, position)} | None`;
  const cb = t.callback;
  const ret = pyType(cb.returns, "return");
  return `Callable[[${cb.params.map((p) => pyType(p.type, "return")).join(", ")}], ${cb.async === false ? ret : `Awaitable[${ret}]`}]`;
}

function pyDefault(p: Param): string {
  if (p.default === undefined) return "None";
  if (typeof p.default === "boolean") return p.default ? "True" : "False";
  return JSON.stringify(p.default);
}

function docstring(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}"""${lines[0]}"""`];
  return [`${indent}"""${lines[0]}`, ...lines.slice(1).map((l) => `${indent}${l}`), `${indent}"""`];
}

function method(op: Operation): string[] {
  const params = [
    "self",
    ...op.params.map(
      (p) => `${snakeCase(p.name)}: ${pyType(p.type, "param")}${p.optional ? " | None = None" : ""}`,
    ),
  ];
  const options = op.options ?? [];
  if (options.length > 0) {
    params.push("*");
    for (const o of options) {
      const t = pyType(o.type, "param");
      params.push(
        o.default === undefined
          ? `${snakeCase(o.name)}: ${t} | None = None`
          : `${snakeCase(o.name)}: ${t} = ${pyDefault(o)}`,
      );
    }
  }
  const ret = pyType(op.returns, "return");
  const lines = operationDoc(op);
  if (op.params.concat(options).some((p) => "primitive" in p.type && p.type.primitive === "durationMs"))
    lines.push("Durations are datetime.timedelta values.");
  return [
    `    ${isAsync(op) ? "async def" : "def"} ${snakeCase(op.name)}(${params.join(", ")}) -> ${ret}:`,
    ...docstring(lines.length > 0 ? lines : ["See the interface description."], "        "),
    "        ...",
    "",
  ];
}

/** `typing.Protocol` classes for the platform interfaces: `async def`, keyword-only options. */
export function pythonInterfaces(manifests: readonly InterfaceManifest[]): string {
  const sorted = sortedManifests(manifests);
  const refs = new Set<string>();
  const collect = (t: TypeRef): void => {
    if ("ref" in t) refs.add(t.ref);
    else if ("array" in t) collect(t.array);
    else if ("map" in t) collect(t.map);
    else if ("nullable" in t) collect(t.nullable);
    else if ("callback" in t) for (const p of t.callback.params) collect(p.type);
  };
  const body: string[] = [];
  for (const m of sorted) {
    for (const i of allInterfaces(m)) {
      body.push("", "", "@runtime_checkable", `class ${i.name}(Protocol):`);
      body.push(
        ...docstring(i.description === undefined ? [`The ${i.name} interface.`] : [i.description], "    "),
        "",
      );
      for (const op of i.operations) {
        for (const p of [...op.params, ...(op.options ?? [])]) collect(p.type);
        collect(op.returns);
        body.push(...method(op));
      }
      body.pop();
    }
    const f = m.factory;
    for (const p of f.params) collect(p.type);
    const params = ["self", ...f.params.map((p) => `${snakeCase(p.name)}: ${pyType(p.type, "param")}`)];
    body.push("", "", "@runtime_checkable", `class ${f.name}(Protocol):`);
    body.push(...docstring([f.description ?? `Creates ${m.interface} instances.`], "    "), "");
    body.push(
      `    ${f.async === true ? "async def" : "def"} ${snakeCase(f.method)}(${params.join(", ")}) -> ${m.interface}:`,
      "        ...",
    );
  }
  const head = [
    '"""Platform interfaces of sfn as typing.Protocol classes."""',
    "",
    "from __future__ import annotations",
    "",
    "from collections.abc import Awaitable, Callable, Mapping, Sequence",
    "from datetime import timedelta",
    "from typing import Any, Protocol, runtime_checkable",
    "",
    `from .wire_types import ${[...refs].sort().join(", ")}`,
  ];
  return [...head, ...body].join("\n");
}

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
import { operationDoc, optionsTypeNamer } from "../../operations/options-naming.js";

const BOXED: Record<string, string> = { long: "Long", double: "Double", boolean: "Boolean", void: "Void" };
const box = (t: string): string => BOXED[t] ?? t;

export function javaType(t: TypeRef, position: "param" | "return" = "param"): string {
  if ("primitive" in t) {
    const map = {
      string: "String",
      integer: "long",
      number: "double",
      boolean: "boolean",
      bytes: "byte[]",
      json: "JsonNode",
      void: "void",
      durationMs: "Duration",
    } as const;
    return map[t.primitive];
  }
  if ("ref" in t) return t.ref;
  if ("interface" in t) return t.interface;
  if ("array" in t) return `List<${box(javaType(t.array))}>`;
  if ("map" in t) return `Map<String, ${box(javaType(t.map))}>`;
  if ("nullable" in t)
    return position === "return" ? `Optional<${box(javaType(t.nullable))}>` : box(javaType(t.nullable));
  const cb = t.callback;
  if (cb.params.length !== 1)
    throw new Error("Java callbacks with other than one parameter are not supported");
  const ret = box(javaType(cb.returns, "return"));
  return `Function<${box(javaType(cb.params[0]!.type))}, ${cb.async === false ? ret : `CompletableFuture<${ret}>`}>`;
}

function javadoc(lines: string[], indent: string): string[] {
  if (lines.length === 0) return [];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l.replace(/\*\//g, "*&#47;")}`), `${indent} */`];
}

function javaLiteral(value: unknown, type: string): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number")
    return type === "Long" ? `${value}L` : type === "Double" ? `${value}d` : String(value);
  if (typeof value === "boolean") return String(value);
  return "null";
}

function imports(body: string, packageName: string): string {
  const known: [RegExp, string][] = [
    [/\bCompletableFuture\b/, "java.util.concurrent.CompletableFuture"],
    [/\bDuration\b/, "java.time.Duration"],
    [/\bFunction</, "java.util.function.Function"],
    [/\bJsonNode\b/, "com.fasterxml.jackson.databind.JsonNode"],
    [/\bList</, "java.util.List"],
    [/\bMap</, "java.util.Map"],
    [/\bOptional</, "java.util.Optional"],
  ];
  const lines = known.filter(([re]) => re.test(body)).map(([, imp]) => `import ${imp};`);
  return [`package ${packageName};`, "", ...lines, ...(lines.length > 0 ? [""] : []), body].join("\n");
}

function optionsRecord(name: string, iface: string, op: Operation): string {
  const options = op.options ?? [];
  const comps = options.map((o) => ({ name: camelCase(o.name), type: box(javaType(o.type)), o }));
  const ctorArgs = (override?: string, value?: string): string =>
    comps.map((c) => (c.name === override ? value! : c.name)).join(", ");
  const lines = [
    ...javadoc(
      [
        `Optional settings of {@link ${iface}#${camelCase(op.name)}}; null components mean "not set".`,
        ...options.flatMap((o) => (o.description ? [`${camelCase(o.name)}: ${o.description}`] : [])),
      ],
      "",
    ),
    `public record ${name}(${comps.map((c) => `${c.type} ${c.name}`).join(", ")}) {`,
    "    /** The defaults. */",
    `    public static ${name} defaults() {`,
    `        return new ${name}(${comps.map((c) => javaLiteral(c.o.default, c.type)).join(", ")});`,
    "    }",
  ];
  for (const c of comps) {
    lines.push(
      "",
      `    public ${name} with${pascalCase(c.name)}(${c.type} ${c.name}) {`,
      `        return new ${name}(${ctorArgs(c.name, c.name)});`,
      "    }",
    );
  }
  lines.push("}");
  return lines.join("\n");
}

function paramList(params: Param[]): string {
  return params
    .map((p) => `${p.optional ? box(javaType(p.type)) : javaType(p.type)} ${camelCase(p.name)}`)
    .join(", ");
}

function interfaceFile(
  iface: { name: string; description?: string; operations: Operation[] },
  optionsName: (i: string, op: Operation) => string,
): string {
  const lines = [
    ...javadoc(iface.description === undefined ? [] : [iface.description], ""),
    `public interface ${iface.name} {`,
  ];
  for (const op of iface.operations) {
    const ret = javaType(op.returns, "return");
    const retType = isAsync(op) ? `CompletableFuture<${box(ret)}>` : ret;
    const name = camelCase(op.name);
    const hasOptions = (op.options ?? []).length > 0;
    const params =
      paramList(op.params) +
      (hasOptions ? `${op.params.length > 0 ? ", " : ""}${optionsName(iface.name, op)} options` : "");
    const doc = operationDoc(op);
    if (op.params.some((p) => p.optional)) doc.push("Optional parameters may be null.");
    lines.push(...javadoc(doc, "    "), `    ${retType} ${name}(${params});`, "");
    // Convenience overloads: without the options, and without trailing optional parameters.
    const required = op.params.filter((p) => !p.optional);
    const trailingOptional = op.params.length - required.length;
    if (hasOptions || trailingOptional > 0) {
      const args = [
        ...required.map((p) => camelCase(p.name)),
        ...op.params.slice(required.length).map(() => "null"),
      ];
      if (hasOptions) args.push(`${optionsName(iface.name, op)}.defaults()`);
      lines.push(
        `    /** {@link #${name}} with ${hasOptions ? "default options" : "the optional parameters unset"}. */`,
        `    default ${retType} ${name}(${paramList(required)}) {`,
        `        ${ret === "void" && !isAsync(op) ? "" : "return "}${name}(${args.join(", ")});`,
        "    }",
        "",
      );
    }
  }
  if (lines[lines.length - 1] === "") lines.pop();
  lines.push("}");
  return lines.join("\n");
}

/** One file per interface, factory and options record: `CompletableFuture` results, option records. */
export function javaInterfaces(
  manifests: readonly InterfaceManifest[],
  packageName: string,
): Map<string, string> {
  const sorted = sortedManifests(manifests);
  const optionsName = optionsTypeNamer(sorted);
  const files = new Map<string, string>();
  for (const m of sorted) {
    for (const i of allInterfaces(m)) {
      files.set(`${i.name}.java`, imports(interfaceFile(i, optionsName), packageName));
      for (const op of i.operations) {
        if ((op.options ?? []).length === 0) continue;
        const name = optionsName(i.name, op);
        files.set(`${name}.java`, imports(optionsRecord(name, i.name, op), packageName));
      }
    }
    const f = m.factory;
    const ret = f.async === true ? `CompletableFuture<${m.interface}>` : m.interface;
    const body = [
      ...javadoc([f.description ?? `Creates ${m.interface} instances.`], ""),
      `public interface ${f.name} {`,
      `    ${ret} ${camelCase(f.method)}(${paramList(f.params)});`,
      "}",
    ].join("\n");
    files.set(`${f.name}.java`, imports(body, packageName));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

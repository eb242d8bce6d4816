import { isObject, type Json, pointer, type SchemaObject } from "../schema/transform.js";
import type { Difference, Severity } from "./model.js";

/** Which side of a function a schema describes: inputs are sent by callers, outputs read by them. */
export type Direction = "input" | "output";

interface Ctx {
  oldDefs: Record<string, SchemaObject>;
  newDefs: Record<string, SchemaObject>;
  dir: Direction;
  where: string;
  seen: Set<string>;
  out: Difference[];
}

const UPPER = ["maxLength", "maximum", "exclusiveMaximum", "maxItems"] as const;
const LOWER = ["minLength", "minimum", "exclusiveMinimum", "minItems"] as const;

function resolve(s: Json, defs: Record<string, SchemaObject>): { schema: SchemaObject; ref?: string } {
  if (isObject(s) && typeof s.$ref === "string") {
    const name = s.$ref.replace("#/definitions/", "");
    return { schema: defs[name] ?? {}, ref: name };
  }
  return { schema: isObject(s) ? s : {} };
}

/** Splits `anyOf: [X, {type: null}]` and `type: [.., "null"]` into (X, nullable). */
function unwrap(s: SchemaObject): { schema: SchemaObject; nullable: boolean } {
  if (Array.isArray(s.anyOf)) {
    const alts = s.anyOf.filter((a) => !(isObject(a) && a.type === "null"));
    if (alts.length === 1 && alts.length < s.anyOf.length)
      return { schema: alts[0] as SchemaObject, nullable: true };
  }
  if (Array.isArray(s.type) && s.type.includes("null")) {
    const rest = s.type.filter((t) => t !== "null");
    return { schema: { ...s, type: rest.length === 1 ? rest[0]! : rest }, nullable: true };
  }
  return { schema: s, nullable: false };
}

const types = (s: SchemaObject): Set<string> | undefined =>
  s.type === undefined ? undefined : new Set(([] as Json[]).concat(s.type as Json).map(String));

/** Severity of a change that accepts more values ("widen") or fewer ("narrow") for this direction. */
function sev(ctx: Ctx, change: "widen" | "narrow"): Severity {
  if (ctx.dir === "input") return change === "narrow" ? "breaking" : "additive";
  return change === "widen" ? "breaking" : "additive";
}

function add(ctx: Ctx, at: string, severity: Severity, rule: string, message: string): void {
  ctx.out.push({ pointer: at, severity, rule, message: `${message} (${ctx.where})` });
}

export function compareSchema(a: Json, b: Json, at: string, ctx: Ctx): void {
  const ra = resolve(a, ctx.oldDefs);
  const rb = resolve(b, ctx.newDefs);
  let here = at;
  if (rb.ref !== undefined) here = pointer("definitions", rb.ref);
  const key = `${ctx.dir}:${ra.ref ?? at}:${rb.ref ?? at}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  const ua = unwrap(ra.schema);
  const ub = unwrap(rb.schema);
  const sa = ua.schema;
  const sb = ub.schema;
  if (ua.nullable !== ub.nullable)
    add(
      ctx,
      here,
      sev(ctx, ub.nullable ? "widen" : "narrow"),
      ub.nullable ? "nullable-added" : "nullable-removed",
      ub.nullable ? "now accepts null" : "no longer accepts null",
    );
  const ta = types(sa);
  const tb = types(sb);
  if (ta && tb) {
    const covers = (set: Set<string>, t: string): boolean =>
      set.has(t) || (t === "integer" && set.has("number"));
    const lost = [...ta].filter((t) => !covers(tb, t));
    const gained = [...tb].filter((t) => !covers(ta, t));
    if (lost.length > 0 && gained.length > 0) {
      add(
        ctx,
        `${here}/type`,
        "breaking",
        "type-changed",
        `type ${[...ta].join("|")} → ${[...tb].join("|")}`,
      );
      return;
    }
    if (lost.length > 0)
      add(
        ctx,
        `${here}/type`,
        sev(ctx, "narrow"),
        "type-narrowed",
        `type no longer allows ${lost.join(", ")}`,
      );
    if (gained.length > 0)
      add(ctx, `${here}/type`, sev(ctx, "widen"), "type-widened", `type now allows ${gained.join(", ")}`);
  }
  if (Array.isArray(sa.enum) || Array.isArray(sb.enum)) {
    const ea = Array.isArray(sa.enum) ? sa.enum.map((v) => JSON.stringify(v)) : undefined;
    const eb = Array.isArray(sb.enum) ? sb.enum.map((v) => JSON.stringify(v)) : undefined;
    const removed = ea && eb ? ea.filter((v) => !eb.includes(v)) : ea ? [] : ["(any value)"];
    const added = ea && eb ? eb.filter((v) => !ea.includes(v)) : eb ? [] : ["(any value)"];
    if (removed.length > 0)
      add(
        ctx,
        `${here}/enum`,
        sev(ctx, "narrow"),
        "enum-value-removed",
        `enum no longer has ${removed.join(", ")}`,
      );
    if (added.length > 0)
      add(ctx, `${here}/enum`, sev(ctx, "widen"), "enum-value-added", `enum now has ${added.join(", ")}`);
  }
  for (const k of UPPER) {
    const x = sa[k];
    const y = sb[k];
    if (x === y) continue;
    const tighter = y !== undefined && (x === undefined || (y as number) < (x as number));
    add(
      ctx,
      `${here}/${k}`,
      sev(ctx, tighter ? "narrow" : "widen"),
      tighter ? "constraint-tightened" : "constraint-loosened",
      `${k} ${JSON.stringify(x ?? null)} → ${JSON.stringify(y ?? null)}`,
    );
  }
  for (const k of LOWER) {
    const x = sa[k];
    const y = sb[k];
    if (x === y) continue;
    const tighter = y !== undefined && (x === undefined || (y as number) > (x as number));
    add(
      ctx,
      `${here}/${k}`,
      sev(ctx, tighter ? "narrow" : "widen"),
      tighter ? "constraint-tightened" : "constraint-loosened",
      `${k} ${JSON.stringify(x ?? null)} → ${JSON.stringify(y ?? null)}`,
    );
  }
  for (const k of ["pattern", "format"] as const) {
    if (sa[k] === sb[k]) continue;
    if (sa[k] !== undefined && sb[k] !== undefined) {
      // Another pattern/format: values valid before may fail now and vice versa, in either direction.
      add(
        ctx,
        `${here}/${k}`,
        "breaking",
        "constraint-changed",
        `${k} ${JSON.stringify(sa[k])} → ${JSON.stringify(sb[k])}`,
      );
      continue;
    }
    const tighter = sb[k] !== undefined;
    add(
      ctx,
      `${here}/${k}`,
      sev(ctx, tighter ? "narrow" : "widen"),
      tighter ? "constraint-tightened" : "constraint-loosened",
      `${k} ${JSON.stringify(sa[k] ?? null)} → ${JSON.stringify(sb[k] ?? null)}`,
    );
  }
  if (sa.uniqueItems !== sb.uniqueItems) {
    const tighter = sb.uniqueItems === true;
    add(
      ctx,
      `${here}/uniqueItems`,
      sev(ctx, tighter ? "narrow" : "widen"),
      tighter ? "constraint-tightened" : "constraint-loosened",
      `uniqueItems ${tighter ? "added" : "removed"}`,
    );
  }
  const pa = isObject(sa.properties) ? sa.properties : {};
  const pb = isObject(sb.properties) ? sb.properties : {};
  const reqA = new Set(Array.isArray(sa.required) ? sa.required.map(String) : []);
  const reqB = new Set(Array.isArray(sb.required) ? sb.required.map(String) : []);
  const closedA = sa.additionalProperties === false;
  const closedB = sb.additionalProperties === false;
  for (const name of Object.keys(pa).sort()) {
    const p = `${here}/properties${pointer(name)}`;
    if (!(name in pb)) {
      add(ctx, p, "breaking", "property-removed", `property '${name}' was removed (or renamed)`);
      continue;
    }
    compareSchema(pa[name]!, pb[name]!, p, ctx);
    if (!reqA.has(name) && reqB.has(name))
      add(
        ctx,
        p,
        ctx.dir === "input" ? "breaking" : "additive",
        "required-added",
        `property '${name}' became required`,
      );
    if (reqA.has(name) && !reqB.has(name))
      add(
        ctx,
        p,
        ctx.dir === "input" ? "additive" : "breaking",
        "required-removed",
        `property '${name}' became optional`,
      );
  }
  for (const name of Object.keys(pb).sort()) {
    if (name in pa) continue;
    const p = `${here}/properties${pointer(name)}`;
    if (ctx.dir === "input")
      add(
        ctx,
        p,
        reqB.has(name) ? "breaking" : "additive",
        reqB.has(name) ? "required-property-added" : "optional-property-added",
        `new ${reqB.has(name) ? "required" : "optional"} property '${name}'`,
      );
    else
      add(
        ctx,
        p,
        closedA ? "breaking" : "additive",
        "output-property-added",
        closedA
          ? `new property '${name}' in an output that was closed (additionalProperties: false): old clients reject it`
          : `new property '${name}'`,
      );
  }
  if (closedA !== closedB)
    add(
      ctx,
      `${here}/additionalProperties`,
      sev(ctx, closedB ? "narrow" : "widen"),
      closedB ? "object-closed" : "object-opened",
      closedB ? "no longer accepts unknown properties" : "now accepts unknown properties",
    );
  if (sa.items !== undefined || sb.items !== undefined)
    compareSchema(sa.items ?? {}, sb.items ?? {}, `${here}/items`, ctx);
  if (isObject(sa.additionalProperties) && isObject(sb.additionalProperties))
    compareSchema(sa.additionalProperties, sb.additionalProperties, `${here}/additionalProperties`, ctx);
}

export function newContext(
  oldDefs: Record<string, SchemaObject>,
  newDefs: Record<string, SchemaObject>,
  dir: Direction,
  where: string,
  out: Difference[],
): Ctx {
  return { oldDefs, newDefs, dir, where, seen: new Set(), out };
}

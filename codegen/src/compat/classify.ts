import type { Contract } from "../contract/model.js";
import { pointer } from "../schema/transform.js";
import { compareSchema, newContext } from "./compare-schema.js";
import type { Classification, Difference } from "./model.js";

/**
 * Classifies the change from `older` to `newer`: additive (new optional input field, new function,
 * loosened input, tightened output) or breaking (removed/renamed field or function, tightened input type
 * or constraint, new required input, changed output type), each difference with its JSON pointer.
 */
export function classifyContracts(older: Contract, newer: Contract): Classification {
  const out: Difference[] = [];
  if (older.service !== newer.service)
    out.push({
      pointer: "/service",
      severity: "breaking",
      rule: "service-renamed",
      message: `service '${older.service}' → '${newer.service}' (calls go to another topic)`,
    });
  const oldFns = new Map(older.functions.map((f) => [f.name, f]));
  const newFns = new Map(newer.functions.map((f) => [f.name, f]));
  for (const [name, f] of oldFns) {
    const g = newFns.get(name);
    const at = pointer("functions", name);
    if (g === undefined) {
      out.push({
        pointer: at,
        severity: "breaking",
        rule: "function-removed",
        message: `function '${name}' was removed (or renamed)`,
      });
      continue;
    }
    for (const side of ["input", "output"] as const) {
      if (f[side] !== g[side])
        out.push({
          pointer: `${at}/${side}`,
          severity: "neutral",
          rule: "definition-renamed",
          message: `${side} type '${f[side]}' → '${g[side]}' (compared by structure)`,
        });
      const ctx = newContext(older.definitions, newer.definitions, side, `${side} of ${name}`, out);
      compareSchema(
        { $ref: `#/definitions/${f[side]}` },
        { $ref: `#/definitions/${g[side]}` },
        `${at}/${side}`,
        ctx,
      );
    }
    if ((f.authenticated ?? true) && g.authenticated === false)
      out.push({
        pointer: `${at}/authenticated`,
        severity: "additive",
        rule: "authentication-relaxed",
        message: `function '${name}' no longer requires a token`,
      });
    if (f.authenticated === false && (g.authenticated ?? true))
      out.push({
        pointer: `${at}/authenticated`,
        severity: "breaking",
        rule: "authentication-required",
        message: `function '${name}' now requires a token`,
      });
  }
  for (const name of newFns.keys())
    if (!oldFns.has(name))
      out.push({
        pointer: pointer("functions", name),
        severity: "additive",
        rule: "function-added",
        message: `new function '${name}'`,
      });
  const seen = new Set<string>();
  const differences = out
    .filter((d) => {
      const k = `${d.pointer}|${d.rule}|${d.severity}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : a.rule < b.rule ? -1 : 1));
  if (
    differences.some((d) => d.severity === "breaking") &&
    newer.backwardCompatible.includes(older.schemaVersion)
  )
    differences.push({
      pointer: "/backwardCompatible",
      severity: "breaking",
      rule: "compatibility-claim-false",
      message: `${newer.schemaVersion} lists ${older.schemaVersion} in backwardCompatible, but the change is breaking`,
    });
  const verdict = differences.some((d) => d.severity === "breaking")
    ? "breaking"
    : differences.some((d) => d.severity === "additive")
      ? "additive"
      : "none";
  return { verdict, differences };
}

/** Human-readable report, one difference a line. */
export function formatClassification(c: Classification): string {
  const lines = [`verdict: ${c.verdict}`];
  for (const d of c.differences)
    lines.push(`${d.severity.toUpperCase().padEnd(9)} ${d.pointer}  ${d.rule}: ${d.message}`);
  return `${lines.join("\n")}\n`;
}

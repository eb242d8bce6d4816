import type { Case } from "../model.js";

/**
 * A case-id glob as a regular expression: `*` matches any run of characters (dots included), `?` one
 * character; everything else is literal. `delivery.*`, `*.dedup.*`, `runtime.call.echo-success`.
 */
export function globToRegExp(glob: string): RegExp {
  const body = [...glob]
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}

/** Cases whose id matches one of the comma-separated globs (all cases when none is given). */
export function selectCases(cases: readonly Case[], globs: readonly string[]): Case[] {
  const patterns = globs
    .flatMap((g) => g.split(","))
    .map((g) => g.trim())
    .filter((g) => g !== "");
  if (patterns.length === 0) return [...cases];
  const regexps = patterns.map(globToRegExp);
  return cases.filter((c) => regexps.some((r) => r.test(c.id)));
}

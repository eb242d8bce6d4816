// Semantic JSON equality for round-trip checks: numbers by value (1 == 1.0), RFC 3339 date-times by
// instant ("Z" == "+00:00", ".120" == ".12"), object keys unordered.

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function instant(s: string): string | undefined {
  if (!DATE_TIME.test(s)) return undefined;
  const m = /^(.*T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(.*)$/.exec(s)!;
  const base = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(base)) return undefined;
  return `${base}.${(m[2] ?? ".0").slice(1).replace(/0+$/, "")}`;
}

/**
 * JSON pointers where `a` and `b` differ; empty when semantically equal. `nullIsAbsent` matches the
 * pointers of optional *and* nullable properties, where generated types do not keep null apart from
 * absent (a documented limitation, see docs/codegen.md).
 */
export function jsonDifferences(a: unknown, b: unknown, path = "", nullIsAbsent?: RegExp): string[] {
  if (typeof a === "string" && typeof b === "string") {
    if (a === b) return [];
    const ia = instant(a);
    return ia !== undefined && ia === instant(b)
      ? []
      : [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: length ${a.length} != ${b.length}`];
    return a.flatMap((x, i) => jsonDifferences(x, b[i], `${path}/${i}`, nullIsAbsent));
  }
  if (
    a !== null &&
    b !== null &&
    typeof a === "object" &&
    typeof b === "object" &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const drop = (o: object): string[] =>
      Object.keys(o)
        .filter((k) => !(nullIsAbsent?.test(`${path}/${k}`) && (o as Record<string, unknown>)[k] === null))
        .sort();
    const ka = drop(a);
    const kb = drop(b);
    const missing = ka.filter((k) => !kb.includes(k)).map((k) => `${path}/${k}: missing after round trip`);
    const extra = kb
      .filter((k) => !ka.includes(k))
      .map((k) => `${path}/${k}: added by round trip (${JSON.stringify((b as Record<string, unknown>)[k])})`);
    const common = ka.filter((k) => kb.includes(k));
    return [
      ...missing,
      ...extra,
      ...common.flatMap((k) =>
        jsonDifferences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          `${path}/${k}`,
          nullIsAbsent,
        ),
      ),
    ];
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`];
}

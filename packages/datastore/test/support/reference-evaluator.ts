// The filter language evaluated in memory, written from the specification in docs/datastore.md and
// independently of the SQL; the property tests require both to agree on results and order.
import type { Document, Query, SortField } from "@sfn/contracts";

const ABSENT = Symbol("absent");
type Value = unknown | typeof ABSENT;
const METADATA = new Set(["id", "owner", "createdAt", "updatedAt"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function valueAt(doc: Document, path: string): Value {
  if (METADATA.has(path)) return doc[path];
  let current: unknown = doc;
  for (const segment of path.split(".")) {
    if (!isObject(current) || !Object.hasOwn(current, segment)) return ABSENT;
    current = current[segment];
  }
  if (current === doc) return ABSENT;
  return current;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
    );
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
    );
  }
  return a === b;
}

/** Code-point order (PostgreSQL's "C" collation on UTF-8), not JavaScript's UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i]!.codePointAt(0)! - cb[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

function compareOperand(x: Value, operand: unknown): number | undefined {
  if (typeof operand === "number" && typeof x === "number") return x - operand;
  if (typeof operand === "string" && typeof x === "string") return compareCodePoints(x, operand);
  return undefined;
}

function condition(x: Value, op: string, operand: unknown): boolean {
  const present = x !== ABSENT;
  switch (op) {
    case "$eq":
      return present && jsonEqual(x, operand);
    case "$ne":
      return !(present && jsonEqual(x, operand));
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const c = compareOperand(x, operand);
      if (c === undefined) return false;
      return op === "$gt" ? c > 0 : op === "$gte" ? c >= 0 : op === "$lt" ? c < 0 : c <= 0;
    }
    case "$in":
      return present && (operand as unknown[]).some((e) => jsonEqual(x, e));
    case "$nin":
      return !(present && (operand as unknown[]).some((e) => jsonEqual(x, e)));
    case "$exists":
      return present === operand;
    case "$contains":
      if (Array.isArray(x)) return x.some((e) => jsonEqual(e, operand));
      if (typeof x === "string") return typeof operand === "string" && x.includes(operand);
      return false;
    case "$startsWith":
      return typeof x === "string" && x.startsWith(operand as string);
    default:
      throw new Error(`unknown operator ${op}`);
  }
}

export function matches(doc: Document, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === "$and") return (value as Record<string, unknown>[]).every((f) => matches(doc, f));
    if (key === "$or") return (value as Record<string, unknown>[]).some((f) => matches(doc, f));
    if (key === "$not") return !matches(doc, value as Record<string, unknown>);
    const x = valueAt(doc, key);
    if (isObject(value) && Object.keys(value).some((k) => k.startsWith("$"))) {
      return Object.entries(value).every(([op, operand]) => condition(x, op, operand));
    }
    return condition(x, "$eq", value);
  });
}

function rank(x: Value): number {
  if (x === ABSENT) return 0;
  if (x === null) return 1;
  if (typeof x === "number") return 2;
  if (typeof x === "string") return 3;
  if (typeof x === "boolean") return 4;
  return Array.isArray(x) ? 5 : 6;
}

function compareSortValues(a: Value, b: Value): number {
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return 0;
}

export function sortDocuments(docs: Document[], sort: SortField[] = []): Document[] {
  return [...docs].sort((a, b) => {
    for (const s of sort) {
      const c = compareSortValues(valueAt(a, s.field), valueAt(b, s.field));
      if (c !== 0) return s.direction === "desc" ? -c : c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** The ids a query returns, in order. */
export function evaluate(docs: Document[], query: Query): string[] {
  const filtered = docs.filter((d) => matches(d, (query.filter ?? {}) as Record<string, unknown>));
  return sortDocuments(filtered, query.sort).map((d) => d.id);
}

import { ABSENT, placeholders } from "./placeholders.js";

/**
 * Partial matching of an expectation against an actual value (README, "Matching"). Returns every
 * mismatch as `<JSON Pointer>: <what>`; an empty list means the value matches.
 *
 * - objects match partially (members not named are ignored); `{"$exact": true, …}` names all members;
 * - arrays match element by element and must have the same length;
 * - placeholders (`$any`, `$uuid`, …) match by form; `"$absent"` as a member value means "not present";
 * - operator objects: `{"$regex": s}`, `{"$lte": n}`, `{"$containsAll": [...]}`, `{"$length": n}`.
 */
export function match(expected: unknown, actual: unknown, path = ""): string[] {
  if (expected === ABSENT)
    return actual === undefined ? [] : [`${at(path)}: expected absent, got ${show(actual)}`];
  if (actual === undefined) return [`${at(path)}: expected ${show(expected)}, but it is absent`];
  if (typeof expected === "string" && Object.hasOwn(placeholders, expected)) {
    const test = placeholders[expected];
    return test?.(actual) ? [] : [`${at(path)}: expected ${expected}, got ${show(actual)}`];
  }
  if (Array.isArray(expected)) return matchArray(expected, actual, path);
  if (expected !== null && typeof expected === "object") {
    return matchObject(expected as Record<string, unknown>, actual, path);
  }
  return Object.is(expected, actual) || expected === actual
    ? []
    : [`${at(path)}: expected ${show(expected)}, got ${show(actual)}`];
}

function matchArray(expected: unknown[], actual: unknown, path: string): string[] {
  if (!Array.isArray(actual)) return [`${at(path)}: expected an array, got ${show(actual)}`];
  if (actual.length !== expected.length) {
    return [`${at(path)}: expected ${expected.length} elements, got ${actual.length} (${show(actual)})`];
  }
  return expected.flatMap((item, i) => match(item, actual[i], `${path}/${i}`));
}

function matchObject(expected: Record<string, unknown>, actual: unknown, path: string): string[] {
  const operator = matchOperator(expected, actual, path);
  if (operator !== undefined) return operator;
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
    return [`${at(path)}: expected an object, got ${show(actual)}`];
  }
  const record = actual as Record<string, unknown>;
  const exact = expected.$exact === true;
  const out: string[] = [];
  for (const [key, value] of Object.entries(expected)) {
    if (key === "$exact") continue;
    out.push(
      ...match(value, Object.hasOwn(record, key) ? record[key] : undefined, `${path}/${escapePointer(key)}`),
    );
  }
  if (exact) {
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(expected, key) || expected[key] === ABSENT) {
        out.push(`${path}/${escapePointer(key)}: not expected (exact), got ${show(record[key])}`);
      }
    }
  }
  return out;
}

/** `undefined` when `expected` is not an operator object. */
function matchOperator(
  expected: Record<string, unknown>,
  actual: unknown,
  path: string,
): string[] | undefined {
  const keys = Object.keys(expected);
  if (keys.length !== 1) return undefined;
  const operand = expected[keys[0] as string];
  switch (keys[0]) {
    case "$regex": {
      if (typeof actual !== "string")
        return [`${at(path)}: expected a string matching /${String(operand)}/, got ${show(actual)}`];
      return new RegExp(String(operand), "u").test(actual)
        ? []
        : [`${at(path)}: expected a string matching /${String(operand)}/, got ${show(actual)}`];
    }
    case "$lte": {
      const limit = toNumber(operand);
      const value = toNumber(actual);
      if (limit === undefined) return [`${at(path)}: $lte operand ${show(operand)} is not a number`];
      return value !== undefined && value <= limit
        ? []
        : [`${at(path)}: expected ≤ ${limit}, got ${show(actual)}`];
    }
    case "$length": {
      const length = Array.isArray(actual) || typeof actual === "string" ? actual.length : undefined;
      return length === operand
        ? []
        : [`${at(path)}: expected length ${String(operand)}, got ${show(actual)}`];
    }
    case "$containsAll": {
      if (!Array.isArray(operand)) return [`${at(path)}: $containsAll needs an array`];
      if (!Array.isArray(actual)) return [`${at(path)}: expected an array, got ${show(actual)}`];
      const out: string[] = [];
      for (const item of operand) {
        if (!actual.some((element, i) => match(item, element, `${path}/${i}`).length === 0)) {
          out.push(`${at(path)}: no element matches ${show(item)} in ${show(actual)}`);
        }
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** A number, or a decimal integer string (deadlines travel as strings). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function at(path: string): string {
  return path === "" ? "/" : path;
}

/** A short rendering of a value for mismatch messages. */
export function show(value: unknown): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

import type { Json } from "../model.js";

/** Looks a variable up by its dotted name; `undefined` when it is not defined. */
export type Resolver = (name: string) => Json | undefined;

export class UnknownVariableError extends Error {
  readonly variable: string;
  constructor(variable: string) {
    super(`unknown variable \${${variable}}`);
    this.name = "UnknownVariableError";
    this.variable = variable;
  }
}

const WHOLE = /^\$\{([^{}]+)\}$/;
const ANY = /\$\{([^{}]+)\}/g;

/**
 * Replaces `${name}` everywhere in a value (README, "Variables"): a string that is only a variable
 * becomes the variable's JSON value; inside a longer string the value is interpolated (strings as they
 * are, anything else as JSON). Object keys are substituted too. An unknown variable throws.
 */
export function substitute<T extends Json | undefined>(value: T, resolve: Resolver): T {
  return walk(value, resolve) as T;
}

function walk(value: Json | undefined, resolve: Resolver): Json | undefined {
  if (typeof value === "string") return substituteString(value, resolve);
  if (Array.isArray(value)) return value.map((item) => walk(item, resolve) as Json);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a key like "__proto__" stays an own member instead of replacing the prototype.
      Object.defineProperty(out, interpolate(key, resolve), {
        value: walk(item, resolve) as Json,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function substituteString(text: string, resolve: Resolver): Json {
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1] as string, resolve);
  return interpolate(text, resolve);
}

/** Substitutes inside a string and always returns a string. */
export function interpolate(text: string, resolve: Resolver): string {
  return text.replace(ANY, (_, name: string) => {
    const value = lookup(name, resolve);
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

function lookup(name: string, resolve: Resolver): Json {
  const value = resolve(name.trim());
  if (value === undefined) throw new UnknownVariableError(name.trim());
  return value;
}

/** Follows a dotted path (`result.items.0.id`) into a JSON value. */
export function dig(value: Json | undefined, path: readonly string[]): Json | undefined {
  let current: Json | undefined = value;
  for (const part of path) {
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

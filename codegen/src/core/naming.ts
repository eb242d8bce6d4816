// Case conversions used by every emitter. Words are split on case changes, digits and separators.

export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/** `createUser` → `CreateUser`. */
export function pascalCase(name: string): string {
  return words(name).map(cap).join("");
}

/** `CreateUser` → `createUser`. */
export function camelCase(name: string): string {
  const p = pascalCase(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** `createUser` → `create_user`. */
export function snakeCase(name: string): string {
  return words(name)
    .map((w) => w.toLowerCase())
    .join("_");
}

/** `createUser` → `CREATE_USER`. */
export function screamingSnakeCase(name: string): string {
  return snakeCase(name).toUpperCase();
}

/** Go exported identifier with Go's initialisms (`userId` → `UserID`). */
export function goName(name: string): string {
  const initialisms = new Set(["ID", "URL", "URI", "JSON", "HTTP", "API", "UUID", "SQL", "QOS"]);
  return words(name)
    .map((w) => (initialisms.has(w.toUpperCase()) ? w.toUpperCase() : cap(w)))
    .join("");
}

/**
 * Freezes a JSON-like value and everything in it. A validated identity is shared between callers
 * (and cached), so nobody may change the roles another call sees.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/**
 * Where a claim lives in a token. A string is a dot-separated path (`realm_access.roles`), except a
 * string containing `://`, which names one top-level claim (`https://example.com/roles`, the
 * namespaced claims of Auth0 and Okta). An array gives the segments explicitly, for claim names
 * that contain dots.
 *
 * The segment `{audience}` stands for each configured audience, and `{clientId}` for the
 * introspection client id, e.g. Keycloak's `resource_access.{audience}.roles`.
 */
export type ClaimPath = string | readonly string[];

/** Values substituted for the `{audience}` and `{clientId}` placeholders. */
export interface ClaimPathVariables {
  audiences: readonly string[];
  clientId?: string | undefined;
}

/** Splits a path into segments, expanding placeholders (one path may become several). */
export function compileClaimPath(path: ClaimPath, variables: ClaimPathVariables): string[][] {
  const segments = typeof path === "string" ? (path.includes("://") ? [path] : path.split(".")) : [...path];
  if (segments.length === 0 || segments.some((s) => s === "")) {
    throw new TypeError(`invalid claim path ${JSON.stringify(path)}`);
  }
  let expanded: string[][] = [[]];
  for (const segment of segments) {
    const values =
      segment === "{audience}"
        ? variables.audiences
        : segment === "{clientId}"
          ? variables.clientId === undefined
            ? []
            : [variables.clientId]
          : [segment];
    expanded = expanded.flatMap((prefix) => values.map((value) => [...prefix, value]));
  }
  return expanded;
}

/** The value at `segments` in `claims`, or undefined. Only own properties are followed. */
export function readClaim(claims: Readonly<Record<string, unknown>>, segments: readonly string[]): unknown {
  let current: unknown = claims;
  for (const segment of segments) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

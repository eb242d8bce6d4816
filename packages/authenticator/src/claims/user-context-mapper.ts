import type { UserContext } from "@sfn/contracts";
import { tokenRejected } from "../errors/auth-errors.js";
import { deepFreeze } from "../util/deep-freeze.js";
import type { ClaimMapping } from "./claim-mapping.js";
import { type ClaimPathVariables, compileClaimPath, readClaim } from "./claim-path.js";

/** A UserContext without the raw token: what may be cached (the token never is). */
export type VerifiedIdentity = Readonly<Omit<UserContext, "token">>;

// Limits of UserContext.schema.json.
const MAX_ID = 255;
const MAX_EMAIL = 320;

type Paths = string[][];
type NamespacedMember = "roles" | "groups" | "tenant" | "email";
const namespacedSuffixes = new Map<string, NamespacedMember>([
  ["roles", "roles"],
  ["permissions", "roles"],
  ["groups", "groups"],
  ["tenant", "tenant"],
  ["email", "email"],
]);

/** Maps verified claims to a UserContext with a precompiled ClaimMapping. */
export class UserContextMapper {
  readonly #userId: Paths;
  readonly #email: Paths;
  readonly #roles: Paths;
  readonly #groups: Paths;
  readonly #tenant: Paths;
  readonly #clientId: Paths;
  readonly #tokenId: Paths;
  readonly #namespaced: ClaimMapping["namespaced"];

  constructor(mapping: ClaimMapping, variables: ClaimPathVariables) {
    const compile = (paths: readonly (string | readonly string[])[]) =>
      paths.flatMap((path) => compileClaimPath(path, variables));
    this.#userId = compile(mapping.userId);
    this.#email = compile(mapping.email);
    this.#roles = compile(mapping.roles);
    this.#groups = compile(mapping.groups);
    this.#tenant = compile(mapping.tenant);
    this.#clientId = compile(mapping.clientId);
    this.#tokenId = compile(mapping.tokenId);
    this.#namespaced = mapping.namespaced;
  }

  /** The identity in `claims`, deeply frozen. Throws Unauthorized `claims_invalid` without a usable subject. */
  map(claims: Readonly<Record<string, unknown>>): VerifiedIdentity {
    const consumed = new Set<string>();
    const first = (paths: Paths, max: number): string | undefined => {
      for (const path of paths) {
        const value = readClaim(claims, path);
        if (typeof value === "string" && value.length > 0 && value.length <= max) {
          consumed.add(path[0]!);
          return value;
        }
      }
      return undefined;
    };
    const all = (paths: Paths, into: Set<string>): void => {
      for (const path of paths) {
        if (collectStrings(readClaim(claims, path), into) && path.length === 1) consumed.add(path[0]!);
      }
    };

    const userId = first(this.#userId, MAX_ID);
    if (userId === undefined) throw tokenRejected("claims_invalid");

    const roles = new Set<string>();
    const groups = new Set<string>();
    all(this.#roles, roles);
    all(this.#groups, groups);
    let email = first(this.#email, MAX_EMAIL);
    let tenant = first(this.#tenant, MAX_ID);

    if (this.#namespaced !== false) {
      for (const [key, member] of namespacedClaims(claims, this.#namespaced)) {
        const value = claims[key];
        if (member === "roles" || member === "groups") {
          if (collectStrings(value, member === "roles" ? roles : groups)) consumed.add(key);
        } else if (typeof value === "string" && value.length > 0) {
          if (member === "tenant" && tenant === undefined && value.length <= MAX_ID) tenant = value;
          else if (member === "email" && email === undefined && value.length <= MAX_EMAIL) email = value;
          else continue;
          consumed.add(key);
        }
      }
    }

    const context: Omit<UserContext, "token"> = { userId, roles: [...roles], groups: [...groups] };
    if (email !== undefined) context.email = email;
    if (tenant !== undefined) context.tenant = tenant;
    const clientId = first(this.#clientId, MAX_ID);
    if (clientId !== undefined) context.clientId = clientId;
    const tokenId = first(this.#tokenId, MAX_ID);
    if (tokenId !== undefined) context.tokenId = tokenId;
    const exp = claims.exp;
    if (typeof exp === "number" && Number.isFinite(exp) && exp >= 0) {
      context.expiresAt = Math.floor(exp);
      consumed.add("exp");
    }

    const others: Record<string, unknown> = {};
    for (const key of Object.keys(claims)) {
      if (!consumed.has(key)) others[key] = claims[key];
    }
    context.claims = others;
    return deepFreeze(context);
  }
}

/** Adds the strings of a string or string array to `into`; true when the claim had that shape. */
function collectStrings(value: unknown, into: Set<string>): boolean {
  if (typeof value === "string") {
    if (value.length > 0 && value.length <= MAX_ID) into.add(value);
    return true;
  }
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    // Oversized or non-string entries are dropped: fewer roles can only grant less.
    if (typeof item === "string" && item.length > 0 && item.length <= MAX_ID) into.add(item);
  }
  return true;
}

function* namespacedClaims(
  claims: Readonly<Record<string, unknown>>,
  namespaces: "auto" | readonly string[],
): Generator<[string, NamespacedMember]> {
  for (const key of Object.keys(claims)) {
    if (!key.startsWith("http://") && !key.startsWith("https://")) continue;
    let suffix: string | undefined;
    if (namespaces === "auto") {
      suffix = key.slice(key.lastIndexOf("/") + 1);
    } else {
      const namespace = namespaces.find((ns) => key.startsWith(ns));
      suffix = namespace === undefined ? undefined : key.slice(namespace.length);
    }
    const member = suffix === undefined ? undefined : namespacedSuffixes.get(suffix);
    if (member !== undefined) yield [key, member];
  }
}

import type { UserContext } from "../generated/wire-types.generated.js";

/** Whether the user holds a role (exact, case-sensitive match). */
export function hasRole(user: Pick<UserContext, "roles">, role: string): boolean {
  return user.roles.includes(role);
}

/** The `Authorization` header value for a user's token, or undefined when the context carries none. */
export function bearerHeader(user: Pick<UserContext, "token">): string | undefined {
  return user.token === undefined ? undefined : `Bearer ${user.token}`;
}

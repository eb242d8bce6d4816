import type { UserContext } from "../generated/wire-types.generated.js";

/**
 * Role and permission grants scoped to a database and optionally one collection. Changing grants needs
 * the `admin` permission on that database, so a function cannot grant itself rights.
 */
export interface Authorizer {
  /** Returns false when the user already had the role. */
  assignRoleToUser(user: string, role: string, database: string, collection?: string): Promise<boolean>;
  /** Returns false when the user did not have the role. */
  removeRoleFromUser(user: string, role: string, database: string, collection?: string): Promise<boolean>;
  hasRole(user: string, role: string, database: string, collection?: string): Promise<boolean>;
  /** Returns true when at least one permission was new. */
  assignPermissionsToUser(
    user: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean>;
  /** Returns true when at least one permission was removed. */
  removePermissionsFromUser(
    user: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean>;
  /** Whether the user holds the permission directly or through a role, at collection or database level. */
  hasPermission(user: string, permission: string, database: string, collection?: string): Promise<boolean>;
}

export interface AuthorizerFactory {
  createAuthorizer(user: UserContext): Authorizer;
}

import type { ClaimPath } from "./claim-path.js";

/**
 * Where each UserContext member comes from. Scalar members take the first path that holds a
 * string; `roles` and `groups` are the union of every path's strings (or arrays of strings).
 */
export interface ClaimMapping {
  userId: readonly ClaimPath[];
  email: readonly ClaimPath[];
  roles: readonly ClaimPath[];
  groups: readonly ClaimPath[];
  tenant: readonly ClaimPath[];
  clientId: readonly ClaimPath[];
  tokenId: readonly ClaimPath[];
  /**
   * Namespaced (URL-named) top-level claims, as Auth0 and Okta require for custom claims:
   * `"auto"` reads any `http(s)://…/roles`, `…/permissions`, `…/groups`, `…/tenant` and `…/email`
   * claim; an array lists the namespaces (`"https://sfn.example.com/"`) whose such claims count;
   * `false` reads none.
   */
  namespaced: "auto" | readonly string[] | false;
}

/**
 * Defaults that cover the common issuers without configuration:
 * - oidc-provider, Entra ID, Okta: `roles`, `groups`; Entra's tenant `tid`, Okta's client `cid`;
 * - Keycloak: `realm_access.roles` and `resource_access.<audience>.roles` (client roles of this API
 *   only: roles on other clients must not grant anything here);
 * - Auth0: RBAC `permissions`, organisation `org_id`, namespaced custom claims.
 */
export const DEFAULT_CLAIM_MAPPING: Readonly<ClaimMapping> = Object.freeze({
  userId: Object.freeze(["sub"]),
  email: Object.freeze(["email"]),
  roles: Object.freeze(["roles", "realm_access.roles", "resource_access.{audience}.roles", "permissions"]),
  groups: Object.freeze(["groups"]),
  tenant: Object.freeze(["tenant", "tenant_id", "tid", "org_id"]),
  clientId: Object.freeze(["client_id", "azp", "cid", "appid"]),
  tokenId: Object.freeze(["jti"]),
  namespaced: "auto",
});

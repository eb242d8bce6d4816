import { SystemError } from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";
import type { ConformanceSettings, RoleGrantingAuthorizer } from "../settings.js";
import { authorizerOf, userOf } from "./require.js";

export interface GrantInput {
  userId?: string;
  role?: string;
  collection?: string;
  permissions: string[];
}

export interface CheckInput {
  userId?: string;
  collection?: string;
  permission: string;
}

function canGrantToRoles(authorizer: object): authorizer is RoleGrantingAuthorizer {
  return typeof (authorizer as Partial<RoleGrantingAuthorizer>).grantPermissionsToRole === "function";
}

/** grantPermission, checkPermission: the Authorizer bound to the caller (the SQL enforces admin-only grants). */
export function permissionFunctions(settings: ConformanceSettings) {
  const authorizerFor = (ctx: CallContext) => settings.authorizerForCall?.(ctx) ?? authorizerOf(ctx);
  return {
    grantPermission: async (p: GrantInput, ctx: CallContext) => {
      const authorizer = authorizerFor(ctx);
      if (p.userId !== undefined) {
        await authorizer.assignPermissionsToUser(p.userId, p.permissions, settings.database, p.collection);
        return null;
      }
      if (!canGrantToRoles(authorizer)) {
        throw new SystemError("the injected Authorizer cannot grant permissions to roles", {
          code: "SFN_NOT_CONFIGURED",
          retryable: false,
        });
      }
      // The input schema's oneOf guarantees a role when there is no userId.
      await authorizer.grantPermissionsToRole(p.role!, p.permissions, settings.database, p.collection);
      return null;
    },

    checkPermission: async (p: CheckInput, ctx: CallContext) => {
      const userId = p.userId ?? userOf(ctx).userId;
      const granted = await authorizerFor(ctx).hasPermission(
        userId,
        p.permission,
        settings.database,
        p.collection,
      );
      return { granted };
    },
  };
}

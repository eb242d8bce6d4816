import type { Authorizer, UserContext } from "@sfn/contracts";
import {
  type CallCorrelation,
  callerContext,
  callSfn,
  type SqlCallerContext,
  type SqlExecutor,
} from "@sfn/datastore";
import { DecisionCache } from "./decision-cache.js";

export interface AuthorizerBindOptions extends CallCorrelation {
  /** Join this transaction (the runtime's) instead of running each change in its own. */
  transaction?: SqlExecutor;
}

/**
 * The Authorizer bound to one caller, for one call. Every method is one sfn.call: the SQL checks that
 * the caller holds admin on the database before a change, and audits each change and each decision.
 */
export class PostgresAuthorizer implements Authorizer {
  readonly #executor: SqlExecutor;
  readonly #ctx: SqlCallerContext;
  readonly #cache = new DecisionCache();

  constructor(executor: SqlExecutor, user: UserContext, options: AuthorizerBindOptions = {}) {
    this.#executor = options.transaction ?? executor;
    // Alone, each change or question is its own transaction: its audit row is linked at once.
    this.#ctx = { ...callerContext(user, undefined, options), standalone: options.transaction === undefined };
  }

  assignRoleToUser(user: string, role: string, database: string, collection?: string): Promise<boolean> {
    return this.#change("assignRoleToUser", { user, role, database, collection });
  }

  removeRoleFromUser(user: string, role: string, database: string, collection?: string): Promise<boolean> {
    return this.#change("removeRoleFromUser", { user, role, database, collection });
  }

  hasRole(user: string, role: string, database: string, collection?: string): Promise<boolean> {
    return this.#cache.get(["role", user, role, database, collection], () =>
      this.#ask("hasRole", { user, role, database, collection }),
    );
  }

  assignPermissionsToUser(
    user: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean> {
    return this.#change("assignPermissionsToUser", { user, permissions, database, collection });
  }

  removePermissionsFromUser(
    user: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean> {
    return this.#change("removePermissionsFromUser", { user, permissions, database, collection });
  }

  hasPermission(user: string, permission: string, database: string, collection?: string): Promise<boolean> {
    return this.#cache.get(["permission", user, permission, database, collection], () =>
      this.#ask("hasPermission", { user, permission, database, collection }),
    );
  }

  /** Gives a role permissions (at database level, or for one collection); needs admin on the database. */
  grantPermissionsToRole(
    role: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean> {
    return this.#change("grantPermissionsToRole", { role, permissions, database, collection });
  }

  /** Takes permissions from a role; needs admin on the database. */
  revokePermissionsFromRole(
    role: string,
    permissions: readonly string[],
    database: string,
    collection?: string,
  ): Promise<boolean> {
    return this.#change("revokePermissionsFromRole", { role, permissions, database, collection });
  }

  async #change(op: string, args: Record<string, unknown>): Promise<boolean> {
    const { ok } = await callSfn<boolean>(this.#executor, this.#ctx, op, withoutUndefined(args));
    this.#cache.clear();
    return ok;
  }

  async #ask(op: string, args: Record<string, unknown>): Promise<boolean> {
    return (await callSfn<boolean>(this.#executor, this.#ctx, op, withoutUndefined(args))).ok;
  }
}

function withoutUndefined(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
}

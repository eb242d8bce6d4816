import type { UserContext } from "../generated/wire-types.generated.js";
import type { OperationOptions } from "./common.js";

/** Turns a bearer token into a UserContext. */
export interface Authenticator {
  /**
   * Validates a token, with or without the `Bearer ` prefix. Rejects with an UnauthorizedError whose
   * `details.reason` is an AuthFailureReason, or a SystemError (reason `issuer_unavailable`) when the
   * issuer cannot be reached.
   */
  validateToken(token: string, options?: OperationOptions): Promise<UserContext>;
}

export interface AuthenticatorFactory {
  createAuthenticator(oidcConfigUrl: string): Promise<Authenticator>;
}

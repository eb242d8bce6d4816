import type { AuthenticatorOptions } from "@sfn/authenticator";
import type { RuntimeConfig } from "./runtime-config.js";

/**
 * The authenticator options the SFN_OIDC_* settings describe (audience, insecure dev issuer, mode,
 * introspection client). Callers check that SFN_OIDC_AUDIENCE is set first.
 */
export function authenticatorOptionsFrom(config: RuntimeConfig): AuthenticatorOptions {
  return {
    audience: config.oidcAudience!,
    allowInsecureRequests: config.allowInsecureIssuer,
    ...(config.oidcMode ? { mode: config.oidcMode } : {}),
    ...(config.oidcResourceClientId
      ? {
          introspection: {
            clientId: config.oidcResourceClientId,
            clientSecret: config.oidcResourceClientSecret!,
          },
        }
      : {}),
  };
}

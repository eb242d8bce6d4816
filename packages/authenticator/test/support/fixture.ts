import { currentFixtureEnv } from "@sfn/testkit";
import { type AuthenticatorOptions, createAuthenticator, type OidcAuthenticator } from "../../src/index.js";

export const JWT_AUDIENCE = "urn:sfn:api";
export const OPAQUE_AUDIENCE = "urn:sfn:api-opaque";

/** The fixture's issuer and resource-server credentials (from the vitest global setup). */
export function fixture() {
  const env = currentFixtureEnv();
  return {
    issuer: env.SFN_OIDC_ISSUER,
    introspection: {
      clientId: env.SFN_OIDC_RESOURCE_CLIENT_ID,
      clientSecret: env.SFN_OIDC_RESOURCE_CLIENT_SECRET,
    },
  };
}

/** An authenticator for the fixture issuer: both audiences, auto mode, http allowed. */
export function fixtureAuthenticator(
  options: Partial<AuthenticatorOptions> = {},
): Promise<OidcAuthenticator> {
  const { issuer, introspection } = fixture();
  return createAuthenticator(issuer, {
    audience: [JWT_AUDIENCE, OPAQUE_AUDIENCE],
    allowInsecureRequests: true,
    introspection,
    ...options,
  });
}

import * as oidc from "openid-client";
import {
  FIXTURE_ENV_KEYS,
  type FixtureEnv,
  JWT_RESOURCE,
  resolveFixtureConfig,
  TEST_USER_GRANT_TYPE,
} from "./config.js";
import type { FixtureUserName } from "./users.js";

/**
 * The environment in effect for this process: `SFN_*` variables already in `process.env` (the vitest
 * global setup puts them there) win over the computed defaults.
 */
export function currentFixtureEnv(): FixtureEnv {
  const env = { ...resolveFixtureConfig().env };
  for (const key of FIXTURE_ENV_KEYS) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

export interface IssuerClientOptions {
  /** Defaults to `SFN_OIDC_ISSUER`. */
  issuer?: string;
  /** Defaults to `SFN_OIDC_CLIENT_ID` (the test client). */
  clientId?: string;
  clientSecret?: string;
  /** Client authentication at the token/introspection/revocation endpoints; default `client_secret_basic`. */
  auth?: "client_secret_basic" | "client_secret_post";
}

const configurations = new Map<string, Promise<oidc.Configuration>>();

/**
 * An openid-client v6 `Configuration` for the issuer (discovery, cached per issuer/client/auth).
 * `allowInsecureRequests` is applied for `http:` issuers such as the local fixture.
 */
export function issuerClient(options: IssuerClientOptions = {}): Promise<oidc.Configuration> {
  const env = currentFixtureEnv();
  const issuer = options.issuer ?? env.SFN_OIDC_ISSUER;
  const clientId = options.clientId ?? env.SFN_OIDC_CLIENT_ID;
  const clientSecret = options.clientSecret ?? env.SFN_OIDC_CLIENT_SECRET;
  const auth = options.auth ?? "client_secret_basic";
  const key = JSON.stringify([issuer, clientId, clientSecret, auth]);
  let config = configurations.get(key);
  if (!config) {
    const clientAuth =
      auth === "client_secret_post"
        ? oidc.ClientSecretPost(clientSecret)
        : oidc.ClientSecretBasic(clientSecret);
    const execute = new URL(issuer).protocol === "http:" ? [oidc.allowInsecureRequests] : [];
    config = oidc.discovery(new URL(issuer), clientId, undefined, clientAuth, { execute });
    config.catch(() => configurations.delete(key));
    configurations.set(key, config);
  }
  return config;
}

/** An openid-client configuration for the resource-server client (`sfn-runtime`), e.g. for introspection. */
export function resourceServerClient(options: Omit<IssuerClientOptions, "clientId" | "clientSecret"> = {}) {
  const env = currentFixtureEnv();
  return issuerClient({
    ...options,
    clientId: env.SFN_OIDC_RESOURCE_CLIENT_ID,
    clientSecret: env.SFN_OIDC_RESOURCE_CLIENT_SECRET,
  });
}

export interface MintTokenOptions extends IssuerClientOptions {
  /** `urn:sfn:api` (JWT, the default) or `urn:sfn:api-opaque` (opaque, introspectable). */
  resource?: string;
  /** Lifetime in seconds (1..86400); default is the resource's 3600. Use 1 to get a token that expires. */
  ttl?: number;
  /** Space-separated scopes, filtered to the ones the resource knows. */
  scope?: string;
}

/** The whole token-endpoint response for a fixture user (see {@link mintToken}). */
export async function mintTokenResponse(
  user: FixtureUserName | (string & {}),
  options: MintTokenOptions = {},
): Promise<oidc.TokenEndpointResponse> {
  const config = await issuerClient(options);
  const params: Record<string, string> = { username: user, resource: options.resource ?? JWT_RESOURCE };
  if (options.ttl !== undefined) params.ttl = String(options.ttl);
  if (options.scope) params.scope = options.scope;
  return oidc.genericGrantRequest(config, TEST_USER_GRANT_TYPE, params);
}

/**
 * Mints an access token for a fixture user through the issuer's test-user grant
 * (`urn:sfn:params:oauth:grant-type:test-user`): `sub` is the user's id and the token carries email,
 * roles, realm_access.roles, groups and tenant. Only the fixture issuer supports this grant.
 */
export async function mintToken(
  user: FixtureUserName | (string & {}),
  options: MintTokenOptions = {},
): Promise<string> {
  return (await mintTokenResponse(user, options)).access_token;
}

/** A client_credentials access token for the test client (or another client via options). */
export async function mintClientToken(options: Omit<MintTokenOptions, "ttl"> = {}): Promise<string> {
  const config = await issuerClient(options);
  const params: Record<string, string> = { resource: options.resource ?? JWT_RESOURCE };
  if (options.scope) params.scope = options.scope;
  return (await oidc.clientCredentialsGrant(config, params)).access_token;
}

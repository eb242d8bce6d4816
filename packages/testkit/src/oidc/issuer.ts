import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { type Client, type Configuration, errors, type KoaContextWithOIDC } from "oidc-provider";
import {
  FIXTURE_SCOPES,
  JWT_RESOURCE,
  RESOURCE_CLIENT_ID,
  RESOURCE_CLIENT_SECRET,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_USER_GRANT_TYPE,
} from "../config.js";
import { findFixtureUser, fixtureUsers, userTokenClaims } from "../users.js";
import { createMemoryAdapterFactory } from "./adapter.js";
import { DEFAULT_ACCESS_TOKEN_TTL, filterScopes, parseTtl, resourceServerInfo } from "./resources.js";

/** The installed oidc-provider version (read from its package.json). */
export function oidcProviderVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("oidc-provider/package.json") as { version: string }).version;
}

/**
 * Loads the issuer's RS256 signing key from `path`, generating and persisting it on first use so
 * that a restarted issuer keeps its `kid` and JWTs minted before the restart still verify.
 */
export async function loadOrCreateSigningKeys(path: string): Promise<{ keys: JWK[] }> {
  if (existsSync(path)) {
    const jwks = JSON.parse(readFileSync(path, "utf8")) as { keys?: JWK[] };
    if (Array.isArray(jwks.keys) && jwks.keys.length > 0) return { keys: jwks.keys };
  }
  const { privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty!, n: jwk.n!, e: jwk.e! });
  const keys = [{ ...jwk, kid, alg: "RS256", use: "sig" }];
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return { keys };
}

export interface FixtureIssuerOptions {
  /** Exact issuer identifier, e.g. `http://127.0.0.1:18900` (no trailing slash). */
  issuer: string;
  /** Directory for `jwks.json`. */
  dataDir: string;
}

/** Builds the fixture's oidc-provider instance (not listening yet). */
export async function createFixtureIssuer(options: FixtureIssuerOptions): Promise<Provider> {
  const jwks = await loadOrCreateSigningKeys(join(options.dataDir, "jwks.json"));
  const version = oidcProviderVersion();

  const getResourceServerInfo = async (_ctx: KoaContextWithOIDC, resource: string) => {
    const info = resourceServerInfo(resource);
    if (!info) throw new errors.InvalidTarget(`unknown resource indicator ${resource}`);
    return info;
  };
  const tokenTtl = (
    _ctx: KoaContextWithOIDC,
    token: { resourceServer?: { accessTokenTTL?: number | undefined } },
  ) => token.resourceServer?.accessTokenTTL ?? DEFAULT_ACCESS_TOKEN_TTL;
  // Any confidential client (the resource server included) may introspect and revoke any token.
  const confidential = async (_ctx: KoaContextWithOIDC, client: Client) => client.clientAuthMethod !== "none";

  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    jwks: jwks as Configuration["jwks"],
    clients: [
      {
        client_id: TEST_CLIENT_ID,
        client_secret: TEST_CLIENT_SECRET,
        client_name: "sfn test client",
        grant_types: ["client_credentials", TEST_USER_GRANT_TYPE],
        response_types: [],
        redirect_uris: [],
        // oidc-provider accepts client_secret_post as well for a client_secret_basic client.
        token_endpoint_auth_method: "client_secret_basic",
      },
      {
        client_id: RESOURCE_CLIENT_ID,
        client_secret: RESOURCE_CLIENT_SECRET,
        client_name: "sfn runtime (resource server)",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    scopes: [...FIXTURE_SCOPES],
    findAccount: async (_ctx, sub) => {
      const user = findFixtureUser(sub);
      if (!user) return undefined;
      return { accountId: user.id, claims: async () => ({ sub: user.id, ...userTokenClaims(user) }) };
    },
    extraTokenClaims: async (_ctx, token) => {
      const accountId = "accountId" in token ? token.accountId : undefined;
      const user = accountId ? findFixtureUser(accountId) : undefined;
      return user ? userTokenClaims(user) : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true, allowedPolicy: confidential },
      revocation: { enabled: true, allowedPolicy: confidential },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => JWT_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo,
      },
    },
    ttl: {
      AccessToken: tokenTtl,
      ClientCredentials: tokenTtl,
      Grant: 86_400,
      IdToken: 3600,
      Interaction: 3600,
      Session: 86_400,
    },
    discovery: {
      sfn_fixture: {
        implementation: "oidc-provider",
        version,
        test_user_grant_type: TEST_USER_GRANT_TYPE,
        users: Object.values(fixtureUsers).map((u) => ({ username: u.username, sub: u.id })),
      },
    },
  };

  const provider = new Provider(options.issuer, configuration);
  registerTestUserGrant(provider, getResourceServerInfo);
  return provider;
}

/**
 * `grant_type=urn:sfn:params:oauth:grant-type:test-user` with `username` (or a user id), optional
 * `resource` (default `urn:sfn:api`), `scope` and `ttl` (seconds). Mints an access token whose
 * `sub` is the fixture user's id; `extraTokenClaims` adds email, roles, realm_access.roles, groups
 * and tenant. JWT or opaque depends on the resource, exactly as for client_credentials.
 */
function registerTestUserGrant(
  provider: Provider,
  getResourceServerInfo: (
    ctx: KoaContextWithOIDC,
    resource: string,
  ) => Promise<ReturnType<typeof resourceServerInfo>>,
): void {
  const parameters = ["username", "resource", "scope", "ttl"];
  provider.registerGrantType<{ username?: string; ttl?: string }>(
    TEST_USER_GRANT_TYPE,
    async (ctx) => {
      const { params, client } = ctx.oidc;
      if (!params.username) throw new errors.InvalidRequest("missing required parameter 'username'");
      const user = findFixtureUser(params.username);
      if (!user) throw new errors.InvalidGrant(`unknown fixture user ${JSON.stringify(params.username)}`);

      if (Array.isArray(params.resource) && params.resource.length > 1) {
        throw new errors.InvalidTarget(
          "only a single resource indicator value is supported for this grant type",
        );
      }
      const resource =
        (Array.isArray(params.resource) ? params.resource[0] : params.resource) ?? JWT_RESOURCE;
      const info = await getResourceServerInfo(ctx, resource);
      if (!info) throw new errors.InvalidTarget();

      const ttl = parseTtl(params.ttl);
      if (typeof ttl === "object") throw new errors.InvalidRequest(ttl.error);

      const scope = filterScopes(params.scope, info.scope);
      const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
      if (scope) grant.addResourceScope(resource, scope);
      const grantId = await grant.save();

      const token = new provider.AccessToken({
        accountId: user.id,
        client,
        grantId,
        gty: TEST_USER_GRANT_TYPE,
        scope,
        resourceServer: new provider.ResourceServer(resource, info),
        ...(ttl === undefined ? {} : { expiresIn: ttl }),
      });
      ctx.oidc.entity("AccessToken", token);
      const value = await token.save();

      ctx.body = {
        access_token: value,
        expires_in: token.expiration,
        token_type: token.tokenType,
        ...(token.scope ? { scope: token.scope } : {}),
      };
    },
    parameters,
  );
}

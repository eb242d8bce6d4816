import { ValidationError } from "@sfn/contracts";
import * as oidc from "openid-client";
import { Introspector } from "../introspection/introspector.js";
import { JwksKeySource } from "../jwt/jwks-key-source.js";
import { JwtVerifier } from "../jwt/jwt-verifier.js";
import type { ResolvedOptions } from "../options/resolve-options.js";
import { discoverIssuer } from "./discover-issuer.js";

/** What validation needs from a discovered issuer. */
export interface IssuerRuntime {
  /** The issuer identifier tokens must carry in `iss`. */
  readonly issuer: string;
  readonly jwt: JwtVerifier | undefined;
  readonly introspector: Introspector | undefined;
}

// Discovery needs a client id even when no client ever authenticates (JWT mode).
const ANONYMOUS_CLIENT_ID = "sfn-authenticator";

/** Discovers the issuer (with the retry schedule, or `attempts` of it) and builds the validators. */
export async function loadIssuerRuntime(
  options: ResolvedOptions,
  attempts: number | undefined,
  signal: AbortSignal | undefined,
): Promise<IssuerRuntime> {
  const credentials = options.introspection;
  const clientAuth = !credentials
    ? oidc.None()
    : credentials.authMethod === "client_secret_post"
      ? oidc.ClientSecretPost(credentials.clientSecret)
      : oidc.ClientSecretBasic(credentials.clientSecret);
  const config = await discoverIssuer({
    url: options.url,
    clientId: credentials?.clientId ?? ANONYMOUS_CLIENT_ID,
    clientAuth,
    allowInsecureRequests: options.allowInsecureRequests,
    timeoutMs: options.httpTimeoutMs,
    fetch: options.fetch,
    retry: { ...options.discovery, attempts: attempts ?? options.discovery.attempts },
    signal,
  });
  return buildRuntime(config, options);
}

function buildRuntime(config: oidc.Configuration, options: ResolvedOptions): IssuerRuntime {
  const metadata = config.serverMetadata();
  const issuer = metadata.issuer;
  if (options.issuer !== undefined && options.issuer !== issuer) {
    throw misconfigured("issuer", `the discovered issuer ${issuer} is not the configured ${options.issuer}`);
  }

  let jwt: JwtVerifier | undefined;
  if (options.mode !== "introspection") {
    const jwksUri = checkedEndpoint(metadata.jwks_uri, "jwks_uri", options);
    const keys = new JwksKeySource(jwksUri, {
      ...options.jwks,
      timeoutMs: options.httpTimeoutMs,
      fetch: options.fetch,
    });
    jwt = new JwtVerifier(keys, {
      issuer,
      audiences: options.audiences,
      algorithms: options.algorithms,
      clockToleranceSec: options.clockToleranceSec,
      types: options.accessTokenTypes,
      allowMissingType: options.allowMissingTokenType,
      clock: options.clock,
    });
  }

  let introspector: Introspector | undefined;
  if (options.mode !== "jwt") {
    checkedEndpoint(metadata.introspection_endpoint, "introspection_endpoint", options);
    introspector = new Introspector(config, {
      issuer,
      audiences: options.audiences,
      requireAudience: options.introspection?.requireAudience ?? true,
      clockToleranceSec: options.clockToleranceSec,
      clock: options.clock,
    });
  }
  return { issuer, jwt, introspector };
}

function checkedEndpoint(value: string | undefined, name: string, options: ResolvedOptions): URL {
  if (value === undefined || !URL.canParse(value)) {
    throw misconfigured("mode", `the issuer's metadata has no ${name}, which mode ${options.mode} needs`);
  }
  const url = new URL(value);
  // openid-client enforces https for its own requests; the JWKS is fetched by jose, so check here.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && options.allowInsecureRequests)) {
    throw misconfigured("allowInsecureRequests", `the issuer's ${name} is not https`);
  }
  return url;
}

function misconfigured(setting: string, message: string): ValidationError {
  return new ValidationError(message, { details: { setting } });
}

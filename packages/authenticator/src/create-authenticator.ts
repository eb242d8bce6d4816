import type { AuthenticatorFactory } from "@sfn/contracts";
import { ValidationCache } from "./cache/validation-cache.js";
import { UserContextMapper } from "./claims/user-context-mapper.js";
import { IssuerLink } from "./issuer/issuer-link.js";
import { loadIssuerRuntime } from "./issuer/issuer-runtime.js";
import { OidcAuthenticator } from "./oidc-authenticator.js";
import type { AuthenticatorOptions } from "./options/authenticator-options.js";
import { resolveOptions } from "./options/resolve-options.js";

/**
 * Creates an Authenticator for the issuer at `oidcConfigUrl` (its issuer identifier, or the URL of
 * its discovery document). Discovery runs now and is retried with backoff while the issuer is
 * unreachable, unless `discovery.background` is set.
 *
 * Rejects with ValidationError for unusable options or an issuer that answers with something
 * unusable, and with SystemError `issuer_unavailable` when it cannot be reached at all.
 */
export async function createAuthenticator(
  oidcConfigUrl: string,
  options: AuthenticatorOptions,
): Promise<OidcAuthenticator> {
  const resolved = resolveOptions(oidcConfigUrl, options);
  const mapper = new UserContextMapper(resolved.claims, {
    audiences: resolved.audiences,
    clientId: resolved.introspection?.clientId,
  });
  const cache = new ValidationCache({
    maxEntries: resolved.cache.maxEntries,
    maxBytes: resolved.cache.maxBytes,
    clock: resolved.clock,
  });
  const issuer = new IssuerLink(
    (attempts, signal) => loadIssuerRuntime(resolved, attempts, signal),
    resolved.discovery.retryCooldownMs,
    resolved.clock,
  );
  const started = issuer.start(resolved.signal);
  if (!resolved.discovery.background) await started;
  return new OidcAuthenticator(resolved, issuer, cache, mapper);
}

/**
 * An AuthenticatorFactory (the contracts' interface) that creates authenticators with `options`,
 * for hosts that receive the issuer URL from configuration.
 */
export function authenticatorFactory(options: AuthenticatorOptions): AuthenticatorFactory {
  return { createAuthenticator: (oidcConfigUrl) => createAuthenticator(oidcConfigUrl, options) };
}

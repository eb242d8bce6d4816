import { abortError, ValidationError } from "@sfn/contracts";
import * as oidc from "openid-client";
import { issuerUnavailable } from "../errors/auth-errors.js";
import { sleep } from "../util/sleep.js";
import { backoffDelay, type RetrySchedule } from "./backoff.js";
import { isTransientIssuerFailure } from "./issuer-failure.js";

/** The fetch the authenticator uses for every request to the issuer. */
export type IssuerFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface DiscoverySettings {
  url: URL;
  /** The OAuth client the configuration is for; only introspection authenticates with it. */
  clientId: string;
  clientAuth: oidc.ClientAuth;
  allowInsecureRequests: boolean;
  timeoutMs: number;
  fetch: IssuerFetch | undefined;
  retry: RetrySchedule;
  signal?: AbortSignal | undefined;
}

/**
 * OpenID Connect discovery (openid-client), retried with backoff while the issuer is unreachable.
 * Resolves with the client configuration; rejects with SystemError `issuer_unavailable` when every
 * attempt failed to reach it, or with ValidationError when it answered something unusable (a 404,
 * metadata that fails validation, an issuer that does not match the URL, plain http not allowed).
 */
export async function discoverIssuer(settings: DiscoverySettings): Promise<oidc.Configuration> {
  const options: oidc.DiscoveryRequestOptions = {
    timeout: settings.timeoutMs / 1000,
    execute: settings.allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
  };
  if (settings.fetch) options[oidc.customFetch] = settings.fetch as oidc.CustomFetch;

  for (let attempt = 1; ; attempt += 1) {
    if (settings.signal?.aborted) throw abortError(settings.signal);
    try {
      return await oidc.discovery(settings.url, settings.clientId, undefined, settings.clientAuth, options);
    } catch (error) {
      if (settings.signal?.aborted) throw abortError(settings.signal);
      if (!isTransientIssuerFailure(error)) throw discoveryRejected(settings.url, error);
      if (attempt >= settings.retry.attempts) throw issuerUnavailable(error);
      await sleep(backoffDelay(settings.retry, attempt), settings.signal);
    }
  }
}

function discoveryRejected(url: URL, cause: unknown): ValidationError {
  const why = cause instanceof Error ? cause.message : String(cause);
  // A local, configuration-time error: naming the URL helps the operator and never reaches a caller.
  return new ValidationError(`OIDC discovery of ${url.href} failed: ${why}`, {
    details: { setting: "oidcConfigUrl" },
    cause,
  });
}

// @sfn/authenticator — OIDC bearer-token validation into a UserContext (see README.md).

export type { ValidationCacheStats } from "./cache/validation-cache.js";
export { type ClaimMapping, DEFAULT_CLAIM_MAPPING } from "./claims/claim-mapping.js";
export type { ClaimPath } from "./claims/claim-path.js";
export { authenticatorFactory, createAuthenticator } from "./create-authenticator.js";
export { authFailureReason, isAuthFailure, type TokenRejectionReason } from "./errors/auth-errors.js";
export type { IssuerFetch } from "./issuer/discover-issuer.js";
export type { OidcAuthenticator } from "./oidc-authenticator.js";
export type {
  AuthenticatorOptions,
  CacheOptions,
  DiscoveryOptions,
  IntrospectionOptions,
  JwksOptions,
  ValidationMode,
} from "./options/authenticator-options.js";
export {
  DEFAULT_ALGORITHMS,
  MAX_CLOCK_TOLERANCE_SEC,
  SUPPORTED_ALGORITHMS,
} from "./options/resolve-options.js";
export { DEFAULT_MAX_TOKEN_LENGTH, extractBearerToken } from "./token/bearer-token.js";

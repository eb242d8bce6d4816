// @sfn/authorizer — the Authorizer on the shared SQL of @sfn/datastore (PostgreSQL or PGlite).

export {
  type AuthorizerFactoryOptions,
  createAuthorizerFactory,
  type PostgresAuthorizerFactory,
} from "./authorizer-factory.js";
export { type AuthorizerBindOptions, PostgresAuthorizer } from "./postgres-authorizer.js";

import type { AuthorizerFactory, UserContext } from "@sfn/contracts";
import { type PgDriverOptions, pgDriver, type SqlDriver } from "@sfn/datastore";
import { type AuthorizerBindOptions, PostgresAuthorizer } from "./postgres-authorizer.js";

export interface AuthorizerFactoryOptions extends PgDriverOptions {
  /** A ready driver (e.g. the DataStore factory's, or `pgliteDriver(db)`). */
  driver?: SqlDriver;
}

export interface PostgresAuthorizerFactory extends AuthorizerFactory {
  readonly driver: SqlDriver;
  /** One Authorizer per call: its decisions are cached for that call only. */
  createAuthorizer(user: UserContext, options?: AuthorizerBindOptions): PostgresAuthorizer;
  close(): Promise<void>;
}

export function createAuthorizerFactory(options: AuthorizerFactoryOptions): PostgresAuthorizerFactory {
  const driver = options.driver ?? pgDriver(options);
  return {
    driver,
    createAuthorizer: (user, bind) => new PostgresAuthorizer(driver, user, bind),
    close: () => driver.close(),
  };
}

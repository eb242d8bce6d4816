/**
 * @sfn/testkit — the shared sfn test fixture: real Mosquitto (MQTT 5), PostgreSQL 15 and an
 * oidc-provider issuer on 127.0.0.1, plus token helpers. See README.md.
 */
export {
  DEFAULT_DATABASE,
  DEFAULT_MQTT_PORT,
  DEFAULT_OIDC_PORT,
  DEFAULT_PG_PORT,
  FIXTURE_ENV_KEYS,
  FIXTURE_HOST,
  FIXTURE_SCOPES,
  type FixtureConfig,
  type FixtureConfigOptions,
  type FixtureEnv,
  type FixtureMode,
  formatEnvExports,
  JWT_RESOURCE,
  OPAQUE_RESOURCE,
  parseEnvExports,
  RESOURCE_CLIENT_ID,
  RESOURCE_CLIENT_SECRET,
  resolveFixtureConfig,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_USER_GRANT_TYPE,
} from "./config.js";
export { type DevIssuer, type DevIssuerOptions, startDevIssuer } from "./dev-issuer.js";
export {
  ensureFixture,
  type FixtureOptions,
  type FixtureStatus,
  type FixtureUpResult,
  fixtureEnv,
  fixtureStatus,
  formatServiceLine,
  type ServiceName,
  type ServiceState,
  type StopResult,
  stopFixture,
  upFixture,
} from "./fixture.js";
export { freePort } from "./free-port.js";
export { connectMqtt, enableNoDelay } from "./mqtt.js";
export { type PrivateBroker, type PrivateBrokerOptions, startPrivateBroker } from "./private-broker.js";
export { type ProbeResult, probeMqtt, probeOidc, probePostgres } from "./probes.js";
export { type PythonVenv, pythonRuntimeVenv, requirePythonRuntimeVenv } from "./python-venv.js";
export { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";
export {
  currentFixtureEnv,
  type IssuerClientOptions,
  issuerClient,
  type MintTokenOptions,
  mintClientToken,
  mintToken,
  mintTokenResponse,
  resourceServerClient,
} from "./tokens.js";
export {
  type FixtureUser,
  type FixtureUserName,
  findFixtureUser,
  fixtureUsers,
  userTokenClaims,
} from "./users.js";

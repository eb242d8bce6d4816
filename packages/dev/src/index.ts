// @sfn/dev — `sfn dev` (a service with an embedded broker, database and OIDC issuer) and `sfn call`.

export { DevCaller, type DevCallOptions, type DevCallResult, type DevEndpoints } from "./dev-caller.js";
export {
  type DevOptions,
  type DevServer,
  type DevSession,
  defaultSessionFile,
  startDev,
} from "./dev-server.js";
export { type EmbeddedBroker, startEmbeddedBroker } from "./embedded-broker.js";
export { type ServiceLogLine, ServiceProcess, type ServiceProcessOptions } from "./service-process.js";

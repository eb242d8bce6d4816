// @sfn/sidecar — build → publish → deploy: reproducible OCI application layers, the catalog, and the
// sidecar that claims deployments from PostgreSQL and restarts the function.

export {
  type AppMetadata,
  type BuildOptions,
  type BuildResult,
  buildApplication,
} from "./build/build-application.js";
export { bundleService } from "./build/bundle.js";
export { type DeployOptions, type DeployRequest, followDeployment, requestDeploy } from "./build/deploy.js";
export { type PublishOptions, type PublishResult, publishApplication } from "./build/publish.js";
export { pythonSources } from "./build/python-sources.js";
export {
  DeploymentStore,
  type HeartbeatResult,
  type HeldDeployment,
  type NewCatalogEntry,
} from "./db/deployment-store.js";
export { DeploymentListener, type ListenerOptions } from "./db/listener.js";
export type { CatalogEntry, Deployment, DeploymentEvent, DeploymentEventName } from "./db/rows.js";
export { type SidecarErrorCode, SidecarErrorCodes } from "./errors.js";
export { KubernetesLauncher, type KubernetesLauncherOptions } from "./launcher/kubernetes-launcher.js";
export type { Launcher } from "./launcher/launcher.js";
export { platformModulesDir } from "./launcher/modules-dir.js";
export {
  ProcessLauncher,
  type ProcessLauncherOptions,
  type RunningFunction,
  runtimeEntrypoint,
} from "./launcher/process-launcher.js";
export { type SuperviseOptions, Supervisor, supervise } from "./launcher/supervise.js";
export { isDigest, sha256Digest, verifyDigest } from "./oci/digest.js";
export { APP_PREFIX, type BuiltLayer, buildLayer, type LayerFile, readLayer } from "./oci/layer.js";
export { type LayoutImage, readLayout } from "./oci/layout.js";
export {
  Annotations,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  MediaTypes,
} from "./oci/media-types.js";
export { formatReference, type ImageReference, parseReference } from "./oci/reference.js";
export {
  RegistryClient,
  type RegistryClientOptions,
  type RegistryCredentials,
} from "./oci/registry-client.js";
export { unpackLayer } from "./oci/unpack.js";
export { type BaseRuntime, type CompatibilityVerdict, checkCompatibility } from "./sidecar/compatibility.js";
export { type DeployPhase, SidecarMetrics } from "./sidecar/metrics.js";
export { startMetricsServer } from "./sidecar/metrics-server.js";
export { waitUntilReady } from "./sidecar/readiness.js";
export { loadSidecarSettings, type SidecarSettings } from "./sidecar/settings.js";
export { Sidecar, type SidecarOptions, type SidecarState } from "./sidecar/sidecar.js";

/** OCI image-spec v1.1 media types and the annotation keys sfn writes. */
export const MediaTypes = {
  manifest: "application/vnd.oci.image.manifest.v1+json",
  index: "application/vnd.oci.image.index.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
} as const;

export const Annotations = {
  /** OCI: the base image this one extends (name and manifest digest). */
  baseName: "org.opencontainers.image.base.name",
  baseDigest: "org.opencontainers.image.base.digest",
  version: "org.opencontainers.image.version",
  title: "org.opencontainers.image.title",
  created: "org.opencontainers.image.created",
  /** sfn: the platform interface hash the application was built against (@sfn/contracts). */
  interfaceHash: "dev.sfn.interface-hash",
  /** sfn: the hash of the service contract. */
  contractHash: "dev.sfn.contract-hash",
  /** sfn: the application (service) name. */
  app: "dev.sfn.app",
  /** sfn: the runtime that serves the application (`node`, `python`). */
  language: "dev.sfn.language",
  /** sfn: on the layer descriptor — this is the application layer the sidecar pulls. */
  layerRole: "dev.sfn.layer.role",
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  config?: Record<string, unknown>;
  rootfs: { type: "layers"; diff_ids: string[] };
  history?: { created?: string; created_by?: string; comment?: string; empty_layer?: boolean }[];
  [key: string]: unknown;
}

import { contractHash, generateContract, loadContract } from "@sfn/codegen";
import { INTERFACE_HASH } from "@sfn/contracts";
import { loadServiceConfig } from "@sfn/runtime";
import { sha256Digest } from "../oci/digest.js";
import { buildLayer, type LayerFile } from "../oci/layer.js";
import { writeBlob, writeLayout } from "../oci/layout.js";
import {
  Annotations,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  MediaTypes,
} from "../oci/media-types.js";
import { formatReference, parseReference } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry-client.js";
import { bundleService } from "./bundle.js";

export interface BuildOptions {
  serviceDir: string;
  /** The application version (catalog key and image tag). */
  version: string;
  /** The base runtime image, in a registry: `host/repository:tag` or `…@sha256:…`. */
  baseImage: string;
  /** The OCI image layout directory to write; default `<serviceDir>/.sfn/image`. */
  outDir?: string;
  /** The platform interface hash to record; default the one of the @sfn/contracts this build runs with. */
  interfaceHash?: string;
  registry?: RegistryClient;
}

/** The application's metadata, also written into the layer as `sfn-app.json`. */
export interface AppMetadata {
  app: string;
  version: string;
  interfaceHash: string;
  contractHash: string;
  baseImage: string;
}

export interface BuildResult extends AppMetadata {
  outDir: string;
  manifestDigest: string;
  layer: { digest: string; diffId: string; size: number };
  contract: object;
}

const EPOCH = "1970-01-01T00:00:00Z";
const json = (value: unknown): Uint8Array => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/**
 * `sfn build`: validates the contract and generates its TypeScript glue (@sfn/codegen), bundles the
 * service (esbuild), writes a reproducible application layer and an OCI manifest + config that append it
 * to the base runtime image's layers, with the base digest and the interface hashes as annotations. No
 * Docker daemon: the base image's manifest and config are read from its registry.
 */
export async function buildApplication(options: BuildOptions): Promise<BuildResult> {
  const loaded = loadServiceConfig(options.serviceDir);
  const contract = loadContract(loaded.contract, loaded.file);
  const hash = contractHash(contract);
  const interfaceHash = options.interfaceHash ?? INTERFACE_HASH;
  const registry = options.registry ?? new RegistryClient();
  const baseRef = parseReference(options.baseImage);
  const base = await registry.getManifest(baseRef);
  const baseConfig = JSON.parse(
    (await registry.getBlob(baseRef, base.manifest.config.digest)).toString("utf8"),
  ) as ImageConfig;
  const baseImage = formatReference({ ...baseRef, tag: undefined, digest: base.digest });

  const glue = await generateContract(contract, "typescript");
  const metadata: AppMetadata = {
    app: loaded.config.name,
    version: options.version,
    interfaceHash,
    contractHash: hash,
    baseImage,
  };
  const { dev: _dev, ...runtimeConfig } = loaded.config;
  const files: LayerFile[] = [
    { path: "service.mjs", content: await bundleService(loaded.dir, loaded.entry) },
    { path: "contract.json", content: json(loaded.contract) },
    {
      path: "sfn.config.json",
      content: json({ ...runtimeConfig, contract: "contract.json", entry: "service.mjs" }),
    },
    { path: "sfn-app.json", content: json(metadata) },
    ...glue.map((file) => ({ path: `generated/${file.path}`, content: Buffer.from(file.content) })),
  ];
  const layer = await buildLayer(files);

  const config: ImageConfig = {
    ...baseConfig,
    created: EPOCH,
    rootfs: { type: "layers", diff_ids: [...baseConfig.rootfs.diff_ids, layer.diffId] },
    history: [
      ...(baseConfig.history ?? []),
      { created: EPOCH, created_by: `sfn build ${metadata.app} ${metadata.version}` },
    ],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const layerDescriptor: Descriptor = {
    mediaType: MediaTypes.layerGzip,
    digest: layer.digest,
    size: layer.size,
    annotations: { [Annotations.layerRole]: "application" },
  };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.manifest,
    config: { mediaType: MediaTypes.config, digest: sha256Digest(configBytes), size: configBytes.length },
    layers: [...base.manifest.layers, layerDescriptor],
    annotations: {
      [Annotations.baseName]: formatReference({ ...baseRef, digest: undefined }),
      [Annotations.baseDigest]: base.digest,
      [Annotations.interfaceHash]: interfaceHash,
      [Annotations.contractHash]: hash,
      [Annotations.app]: metadata.app,
      [Annotations.version]: metadata.version,
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  const outDir = options.outDir ?? `${loaded.dir}/.sfn/image`;
  await writeBlob(outDir, layer.digest, layer.blob);
  await writeBlob(outDir, manifest.config.digest, configBytes);
  await writeBlob(outDir, manifestDigest, manifestBytes);
  await writeLayout(outDir, {
    mediaType: MediaTypes.manifest,
    digest: manifestDigest,
    size: manifestBytes.length,
    annotations: { "org.opencontainers.image.ref.name": options.version },
  });
  return {
    ...metadata,
    outDir,
    manifestDigest,
    layer: { digest: layer.digest, diffId: layer.diffId, size: layer.size },
    contract: loaded.contract,
  };
}

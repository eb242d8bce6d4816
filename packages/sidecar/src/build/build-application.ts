import { relative, sep } from "node:path";
import { contractHash, generateContract, loadContract } from "@sfn/codegen";
import { INTERFACE_HASH } from "@sfn/contracts";
import { type LoadedServiceConfig, loadServiceConfig, type ServiceLanguage } from "@sfn/runtime";
import { sha256Digest } from "../oci/digest.js";
import { APP_PREFIX, buildLayer, type LayerFile } from "../oci/layer.js";
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
import { pythonSources } from "./python-sources.js";

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
  /** The runtime that serves the application: `node` (absent in layers built before it existed) or `python`. */
  language: ServiceLanguage;
}

export interface BuildResult extends AppMetadata {
  outDir: string;
  manifestDigest: string;
  layer: { digest: string; diffId: string; size: number };
  contract: object;
}

const EPOCH = "1970-01-01T00:00:00Z";
/** The application directory in the image (`/opt/sfn/app`). */
const APP_DIR = `/${APP_PREFIX.slice(0, -1)}`;
const json = (value: unknown): Uint8Array => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);

/** The base image's container config with these variables set (the base's values replaced). */
function withEnv(
  container: Record<string, unknown> | undefined,
  vars: Record<string, string>,
): Record<string, unknown> {
  const base = Array.isArray(container?.Env) ? (container.Env as string[]) : [];
  const Env = [
    ...base.filter((entry) => !Object.hasOwn(vars, entry.split("=", 1)[0]!)),
    ...Object.entries(vars).map(([name, value]) => `${name}=${value}`),
  ];
  return { ...container, Env, WorkingDir: APP_DIR };
}

/**
 * The service's own code in the layer, its entry as the rewritten sfn.config.json names it, and the
 * contract glue from @sfn/codegen under generated/. Node: one esbuild bundle `service.mjs` and the
 * TypeScript glue. Python: the entry's package as it is in the source tree (see pythonSources) and the
 * Python glue as the package `generated` (`import generated.models` from the application directory).
 */
async function serviceCode(
  loaded: LoadedServiceConfig,
  contract: Parameters<typeof generateContract>[0],
): Promise<{ files: LayerFile[]; entry: string; env?: Record<string, string> }> {
  const asFiles = (glue: { path: string; content: string }[], prefix: string): LayerFile[] =>
    glue.map((file) => ({ path: `${prefix}${file.path}`, content: Buffer.from(file.content) }));
  if (loaded.language === "node") {
    return {
      entry: "service.mjs",
      files: [
        { path: "service.mjs", content: await bundleService(loaded.dir, loaded.entry) },
        ...asFiles(await generateContract(contract, "typescript"), "generated/"),
      ],
    };
  }
  const python = loaded.python!;
  return {
    // The Python base image's CMD is `python -m sfn_runtime "$SFN_SERVICE" "$SFN_CONTRACT"`: the
    // application image runs as it is, the layer's code on the path.
    env: {
      PYTHONPATH: APP_DIR,
      SFN_SERVICE: python.spec,
      SFN_CONTRACT: `${APP_DIR}/contract.json`,
      ...(loaded.config.database === undefined ? {} : { SFN_DATABASE: loaded.config.database }),
    },
    entry: `${relative(loaded.dir, loaded.entry).split(sep).join("/")}:${python.attribute}`,
    files: [
      ...pythonSources(loaded.dir, loaded.entry),
      ...asFiles(await generateContract(contract, "python", { module: "generated" }), ""),
    ],
  };
}

/**
 * `sfn build`: validates the contract and generates its glue (@sfn/codegen), takes the service's code
 * (Node: an esbuild bundle; Python: the entry's package), writes a reproducible application layer and
 * an OCI manifest + config that append it to the base runtime image's layers, with the base digest, the
 * interface hashes and the language as annotations. No Docker daemon: the base image's manifest and
 * config are read from its registry.
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

  const metadata: AppMetadata = {
    app: loaded.config.name,
    version: options.version,
    interfaceHash,
    contractHash: hash,
    baseImage,
    language: loaded.language,
  };
  const { dev: _dev, ...runtimeConfig } = loaded.config;
  const code = await serviceCode(loaded, contract);
  const files: LayerFile[] = [
    ...code.files,
    { path: "contract.json", content: json(loaded.contract) },
    {
      path: "sfn.config.json",
      content: json({
        ...runtimeConfig,
        language: loaded.language,
        contract: "contract.json",
        entry: code.entry,
      }),
    },
    { path: "sfn-app.json", content: json(metadata) },
  ];
  const layer = await buildLayer(files);

  const config: ImageConfig = {
    ...baseConfig,
    ...(code.env === undefined ? {} : { config: withEnv(baseConfig.config, code.env) }),
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
      [Annotations.language]: metadata.language,
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

import type { DeploymentStore } from "../db/deployment-store.js";
import type { CatalogEntry } from "../db/rows.js";
import { readLayer } from "../oci/layer.js";
import { readBlob, readLayout } from "../oci/layout.js";
import { Annotations } from "../oci/media-types.js";
import { formatReference, parseReference } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry-client.js";

export interface PublishOptions {
  /** The OCI image layout written by `sfn build`. */
  layoutDir: string;
  /** The repository to push to: `host[:port]/repository` (the version becomes the tag). */
  repository: string;
  store: DeploymentStore;
  registry?: RegistryClient;
  createdBy?: string;
}

export interface PublishResult {
  /** `host/repository@sha256:…` — what the catalog records. */
  image: string;
  manifestDigest: string;
  uploaded: string[];
  mounted: string[];
  entry: CatalogEntry;
  created: boolean;
}

/**
 * `sfn publish`: pushes the built image to an OCI Distribution registry — the base layers by
 * cross-repository mount (or copied when the base lives elsewhere), the application layer, the config
 * and the manifest tagged with the version — then records the version in `application_catalog` (status
 * `built`).
 */
export async function publishApplication(options: PublishOptions): Promise<PublishResult> {
  const registry = options.registry ?? new RegistryClient();
  const image = await readLayout(options.layoutDir);
  const annotations = image.manifest.annotations ?? {};
  const version = annotations[Annotations.version]!;
  const target = { ...parseReference(options.repository), tag: undefined, digest: undefined };
  const baseRef = parseReference(annotations[Annotations.baseName]!);
  const uploaded: string[] = [];
  const mounted: string[] = [];
  for (const layer of image.manifest.layers) {
    if (layer.annotations?.[Annotations.layerRole] === "application") {
      if (
        (await registry.putBlob(target, layer.digest, await readBlob(options.layoutDir, layer.digest))) ===
        "uploaded"
      )
        uploaded.push(layer.digest);
      continue;
    }
    if (await registry.hasBlob(target, layer.digest)) continue;
    if (
      baseRef.registry === target.registry &&
      (await registry.mountBlob(target, layer.digest, baseRef.repository))
    ) {
      mounted.push(layer.digest);
      continue;
    }
    await registry.putBlob(target, layer.digest, await registry.getBlob(baseRef, layer.digest));
    uploaded.push(layer.digest);
  }
  if ((await registry.putBlob(target, image.manifest.config.digest, image.configBytes)) === "uploaded")
    uploaded.push(image.manifest.config.digest);
  await registry.putManifest(target, version, image.manifestBytes, image.manifest.mediaType);
  const manifestDigest = image.manifestDescriptor.digest;
  const ref = formatReference({ ...target, digest: manifestDigest });
  const appLayer = image.manifest.layers.find(
    (l) => l.annotations?.[Annotations.layerRole] === "application",
  )!;
  const contract = JSON.parse(
    (await readAppFile(options.layoutDir, appLayer.digest, "contract.json")).toString("utf8"),
  );
  const app = annotations[Annotations.app]!;
  const { entry, created } = await options.store.addToCatalog({
    appName: app,
    version,
    appLayerImage: ref,
    baseImage: `${annotations[Annotations.baseName]}@${annotations[Annotations.baseDigest]}`,
    interfaceHash: annotations[Annotations.interfaceHash]!,
    contractHash: annotations[Annotations.contractHash] ?? null,
    schemaDefinition: contract as Record<string, unknown>,
    topicMappings: { service: `service/${app}` },
    layerDigest: appLayer.digest,
    layerSize: appLayer.size,
    createdBy: options.createdBy ?? null,
  });
  return { image: ref, manifestDigest, uploaded, mounted, entry, created };
}

async function readAppFile(layoutDir: string, digest: string, path: string): Promise<Buffer> {
  const entries = await readLayer(await readBlob(layoutDir, digest));
  const found = entries.find((e) => e.entry?.path === path);
  if (found?.entry === undefined) throw new Error(`${path} is missing from the application layer`);
  return found.entry.content;
}

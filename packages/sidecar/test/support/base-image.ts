import { sha256Digest } from "../../src/oci/digest.js";
import { buildLayer } from "../../src/oci/layer.js";
import { MediaTypes } from "../../src/oci/media-types.js";
import { parseReference } from "../../src/oci/reference.js";
import { RegistryClient } from "../../src/oci/registry-client.js";

/**
 * Pushes a small stand-in for the Node base runtime image (one layer with a marker file) and returns its
 * reference with digest. In the process driver the runtime itself is the local @sfn/runtime install; the
 * image is what build appends to and what the catalog and the sidecar compare.
 */
export async function pushBaseImage(
  registryHost: string,
  repository = "sfn/runtime-node",
  tag = "22",
  marker = "sfn node base runtime (test)\n",
): Promise<string> {
  const registry = new RegistryClient();
  const ref = parseReference(`${registryHost}/${repository}:${tag}`);
  const layer = await buildLayer([{ path: "BASE-RUNTIME", content: Buffer.from(marker) }]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Env: ["NODE_ENV=production"], Entrypoint: ["sfn-runtime", "start", "/opt/sfn/app"] },
      rootfs: { type: "layers", diff_ids: [layer.diffId] },
    }),
  );
  const configDigest = sha256Digest(config);
  await registry.putBlob(ref, layer.digest, layer.blob);
  await registry.putBlob(ref, configDigest, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaTypes.manifest,
      config: { mediaType: MediaTypes.config, digest: configDigest, size: config.length },
      layers: [{ mediaType: MediaTypes.layerGzip, digest: layer.digest, size: layer.size }],
    }),
  );
  await registry.putManifest(ref, tag, manifest, MediaTypes.manifest);
  return `${registryHost}/${repository}@${sha256Digest(manifest)}`;
}

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NotFoundError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";
import { verifyDigest } from "./digest.js";
import { type Descriptor, type ImageConfig, type ImageManifest, MediaTypes } from "./media-types.js";

/**
 * An OCI image layout directory (image-spec `image-layout.md`): `oci-layout`, `index.json`,
 * `blobs/sha256/<hex>`. `sfn build` writes one; `sfn publish` pushes it; `skopeo inspect oci:<dir>` reads it.
 */
export async function writeBlob(layoutDir: string, digest: string, bytes: Uint8Array): Promise<void> {
  const dir = join(layoutDir, "blobs", "sha256");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, digest.slice("sha256:".length)), bytes);
}

export async function readBlob(layoutDir: string, digest: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(layoutDir, "blobs", "sha256", digest.slice("sha256:".length)));
  } catch {
    throw new NotFoundError(`blob ${digest} is not in ${layoutDir}`, {
      code: SidecarErrorCodes.buildInvalid,
      details: { digest, layoutDir },
    });
  }
  verifyDigest(bytes, digest, `blob ${digest} of ${layoutDir}`);
  return bytes;
}

export async function writeLayout(layoutDir: string, manifest: Descriptor): Promise<void> {
  await mkdir(layoutDir, { recursive: true });
  await writeFile(join(layoutDir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
  const index = { schemaVersion: 2, mediaType: MediaTypes.index, manifests: [manifest] };
  await writeFile(join(layoutDir, "index.json"), `${JSON.stringify(index)}\n`);
}

export interface LayoutImage {
  manifestDescriptor: Descriptor;
  manifestBytes: Buffer;
  manifest: ImageManifest;
  configBytes: Buffer;
  config: ImageConfig;
}

/** The (single) image of a layout written by `sfn build`. */
export async function readLayout(layoutDir: string): Promise<LayoutImage> {
  let index: { manifests?: Descriptor[] };
  try {
    index = JSON.parse(await readFile(join(layoutDir, "index.json"), "utf8")) as { manifests?: Descriptor[] };
  } catch {
    throw new NotFoundError(`${layoutDir} is not an OCI image layout (no index.json): run sfn build first`, {
      code: SidecarErrorCodes.buildInvalid,
      details: { layoutDir },
    });
  }
  const manifestDescriptor = index.manifests?.[0];
  if (manifestDescriptor === undefined)
    throw new NotFoundError(`${layoutDir}/index.json lists no manifest`, {
      code: SidecarErrorCodes.buildInvalid,
      details: { layoutDir },
    });
  const manifestBytes = await readBlob(layoutDir, manifestDescriptor.digest);
  const manifest = JSON.parse(manifestBytes.toString("utf8")) as ImageManifest;
  const configBytes = await readBlob(layoutDir, manifest.config.digest);
  return {
    manifestDescriptor,
    manifestBytes,
    manifest,
    configBytes,
    config: JSON.parse(configBytes.toString("utf8")) as ImageConfig,
  };
}

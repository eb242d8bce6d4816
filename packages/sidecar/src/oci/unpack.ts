import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, normalize, sep } from "node:path";
import { ValidationError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";
import { verifyDigest } from "./digest.js";
import { APP_PREFIX, readLayer } from "./layer.js";

function invalid(message: string, details: Record<string, unknown>): never {
  throw new ValidationError(message, { code: SidecarErrorCodes.layerInvalid, details });
}

/**
 * Verifies the blob against its digest, then unpacks the application part of the layer into `dir`
 * (written next to it first and renamed into place, so a half-written directory is never seen). Entries
 * outside the application prefix are ignored (the base provides them); links, devices and paths
 * escaping the directory are refused.
 */
export async function unpackLayer(blob: Uint8Array, digest: string, dir: string): Promise<number> {
  verifyDigest(blob, digest, "application layer");
  const entries = await readLayer(blob);
  const staging = `${dir}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  let files = 0;
  for (const { name, type, entry } of entries) {
    if (!name.startsWith(APP_PREFIX)) continue;
    if (entry === undefined)
      invalid(`layer entry ${name} is a ${type}: only files and directories`, { name, type });
    if (entry.path === "") continue;
    const relative = normalize(entry.path);
    if (relative.startsWith("..") || relative.startsWith(sep) || relative.includes(`${sep}..${sep}`)) {
      invalid(`layer entry ${name} escapes the application directory`, { name });
    }
    const target = join(staging, relative);
    if (entry.type === "directory") {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(join(target, ".."), { recursive: true });
    await writeFile(target, entry.content);
    await chmod(target, entry.mode & 0o755);
    files++;
  }
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return files;
}

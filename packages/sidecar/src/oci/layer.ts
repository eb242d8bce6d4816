import { gunzipSync, gzipSync } from "node:zlib";
import tar from "tar-stream";
import { sha256Digest } from "./digest.js";

/** Where the application lives inside the image: the base image provides /opt/sfn/node_modules. */
export const APP_PREFIX = "opt/sfn/app/";

export interface LayerFile {
  /** Path relative to the application directory, `/`-separated. */
  path: string;
  content: Uint8Array;
  executable?: boolean;
}

export interface BuiltLayer {
  /** The compressed blob (what the registry stores). */
  blob: Buffer;
  /** sha256 of the compressed blob: the layer's digest in the manifest. */
  digest: string;
  /** sha256 of the uncompressed tar: the diff_id in the image config. */
  diffId: string;
  size: number;
}

/** Fixed metadata: the same files give the same bytes, so the same digest, on every machine and run. */
const FIXED_MTIME = new Date(0);

function parents(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join("/")}/`);
}

/**
 * A reproducible OCI layer (tar + gzip): entries sorted by path, directories made explicit, mtime 0,
 * uid/gid 0, no user names, modes 0644/0755, gzip without a name or timestamp at level 9.
 */
export async function buildLayer(files: readonly LayerFile[]): Promise<BuiltLayer> {
  const byPath = new Map<string, LayerFile>();
  for (const file of files) byPath.set(file.path.replace(/^\/+/, ""), file);
  const dirs = new Set<string>(parents(APP_PREFIX.slice(0, -1)).concat(APP_PREFIX));
  for (const path of byPath.keys()) for (const dir of parents(`${APP_PREFIX}${path}`)) dirs.add(dir);
  const entries = [
    ...[...dirs].map((name) => ({ name, file: undefined as LayerFile | undefined })),
    ...[...byPath].map(([path, file]) => ({ name: `${APP_PREFIX}${path}`, file })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on("data", (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  const common = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: "", gname: "" };
  for (const { name, file } of entries) {
    if (file === undefined) pack.entry({ ...common, name, type: "directory", mode: 0o755 });
    else
      pack.entry(
        { ...common, name, type: "file", mode: file.executable ? 0o755 : 0o644, size: file.content.length },
        Buffer.from(file.content),
      );
  }
  pack.finalize();
  await done;
  const tarBytes = Buffer.concat(chunks);
  const blob = gzipSync(tarBytes, { level: 9 });
  return { blob, digest: sha256Digest(blob), diffId: sha256Digest(tarBytes), size: blob.length };
}

export interface LayerEntry {
  /** Path relative to the application directory. */
  path: string;
  type: "file" | "directory";
  mode: number;
  content: Buffer;
}

/** The entries of a compressed layer, as the sidecar sees them (no filtering; see unpack.ts). */
export async function readLayer(
  blob: Uint8Array,
): Promise<{ name: string; entry: LayerEntry | undefined; type: string }[]> {
  const extract = tar.extract();
  const out: { name: string; entry: LayerEntry | undefined; type: string }[] = [];
  const tarBytes = gunzipSync(blob);
  const finished = (async () => {
    for await (const item of extract) {
      const parts: Buffer[] = [];
      for await (const chunk of item) parts.push(chunk as Buffer);
      const { name, type = "file", mode = 0o644 } = item.header;
      const inApp = name.startsWith(APP_PREFIX)
        ? name.slice(APP_PREFIX.length).replace(/\/$/, "")
        : undefined;
      out.push({
        name,
        type,
        entry:
          inApp === undefined || (type !== "file" && type !== "directory")
            ? undefined
            : { path: inApp, type, mode, content: Buffer.concat(parts) },
      });
    }
  })();
  extract.end(tarBytes);
  await finished;
  return out;
}

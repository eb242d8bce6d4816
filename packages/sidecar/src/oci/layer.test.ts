import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "./digest.js";
import { APP_PREFIX, buildLayer, readLayer } from "./layer.js";
import { unpackLayer } from "./unpack.js";

const files = [
  { path: "service.mjs", content: Buffer.from("export const service = 1;\n") },
  { path: "generated/a/b.ts", content: Buffer.from("// b\n") },
  { path: "contract.json", content: Buffer.from("{}\n") },
];

async function rawLayer(
  entries: { name: string; type?: "file" | "symlink"; linkname?: string; body?: string }[],
) {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const e of entries) {
    if (e.type === "symlink")
      pack.entry({ name: e.name, type: "symlink", linkname: e.linkname ?? "/etc/passwd" });
    else pack.entry({ name: e.name }, e.body ?? "x");
  }
  pack.finalize();
  await ended;
  const blob = gzipSync(Buffer.concat(chunks));
  return { blob, digest: sha256Digest(blob) };
}

describe("application layers", () => {
  it("are reproducible: the same files in any order give the same digest", async () => {
    const a = await buildLayer(files);
    const b = await buildLayer([...files].reverse());
    expect(b.digest).toBe(a.digest);
    expect(b.diffId).toBe(a.diffId);
    const c = await buildLayer([...files, { path: "extra.txt", content: Buffer.from("!") }]);
    expect(c.digest).not.toBe(a.digest);
  });

  it("hold sorted entries with fixed metadata under the application prefix", async () => {
    const entries = await readLayer((await buildLayer(files)).blob);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    expect(names).toContain(`${APP_PREFIX}generated/a/`);
    expect(entries.find((e) => e.entry?.path === "service.mjs")?.entry?.content.toString()).toBe(
      "export const service = 1;\n",
    );
  });

  it("unpack into the application directory after verifying the digest", async () => {
    const layer = await buildLayer(files);
    const dir = join(mkdtempSync(join(tmpdir(), "sfn-layer-")), "app");
    expect(await unpackLayer(layer.blob, layer.digest, dir)).toBe(3);
    expect(readFileSync(join(dir, "generated/a/b.ts"), "utf8")).toBe("// b\n");
  });

  it("refuse bytes that do not match the digest, and write nothing", async () => {
    const layer = await buildLayer(files);
    const dir = join(mkdtempSync(join(tmpdir(), "sfn-layer-")), "app");
    const other = await buildLayer([files[0]!]);
    await expect(unpackLayer(other.blob, layer.digest, dir)).rejects.toMatchObject({
      type: "SystemError",
      code: "SFN_DIGEST_MISMATCH",
    });
    expect(existsSync(dir)).toBe(false);
  });

  it("refuse links and paths that leave the application directory", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "sfn-layer-")), "app");
    const link = await rawLayer([{ name: `${APP_PREFIX}evil`, type: "symlink" }]);
    await expect(unpackLayer(link.blob, link.digest, dir)).rejects.toMatchObject({
      code: "SFN_LAYER_INVALID",
    });
    const escaping = await rawLayer([{ name: `${APP_PREFIX}../../escaped` }]);
    await expect(unpackLayer(escaping.blob, escaping.digest, dir)).rejects.toMatchObject({
      code: "SFN_LAYER_INVALID",
    });
  });
});

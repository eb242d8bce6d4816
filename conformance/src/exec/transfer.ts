import { createHash } from "node:crypto";
import type { Json } from "../model.js";
import type { Frame } from "./frames.js";

/** One reassembled chunked transfer (protocol.md §11). */
export interface Transfer {
  transferId: string;
  totalLength: number;
  sha256: string;
  frames: number;
  /** Problems with the frames themselves (malformed, inconsistent, hash or length mismatch). */
  problems: string[];
}

interface ChunkFrame {
  header: Record<string, Json>;
  data: Buffer;
}

/** Splits a chunk frame: uint32 big-endian N, N bytes of ChunkHeader JSON, then the chunk bytes. */
export function parseChunkFrame(payload: Buffer): ChunkFrame | undefined {
  if (payload.length < 4) return undefined;
  const n = payload.readUInt32BE(0);
  if (n > 65_536 || 4 + n > payload.length) return undefined;
  try {
    const header = JSON.parse(payload.subarray(4, 4 + n).toString("utf8")) as Record<string, Json>;
    return { header, data: payload.subarray(4 + n) };
  } catch {
    return undefined;
  }
}

/** Reassembles the chunk frames of each transfer, in index order, and hashes the bytes. */
export function reassemble(frames: readonly Frame[]): Transfer[] {
  const byId = new Map<string, ChunkFrame[]>();
  const malformed: string[] = [];
  for (const frame of frames) {
    const chunk = parseChunkFrame(frame.payload);
    const id = chunk?.header.transferId;
    if (!chunk || typeof id !== "string") {
      malformed.push(`malformed chunk frame on ${frame.topic}`);
      continue;
    }
    byId.set(id, [...(byId.get(id) ?? []), chunk]);
  }
  const out: Transfer[] = [];
  for (const [transferId, chunks] of byId) {
    const problems = [...malformed];
    const sorted = [...chunks].sort((a, b) => Number(a.header.index) - Number(b.header.index));
    const bytes = Buffer.concat(sorted.map((c) => c.data));
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const first = sorted[0]?.header ?? {};
    if (sorted.some((c, i) => c.header.index !== i)) problems.push("chunk indexes are not 0..count-1");
    if (first.count !== sorted.length)
      problems.push(`header count ${String(first.count)}, ${sorted.length} frames`);
    if (first.totalLength !== bytes.length)
      problems.push(`header totalLength ${String(first.totalLength)}, ${bytes.length} bytes`);
    if (first.sha256 !== sha256) problems.push("header sha256 differs from the bytes' SHA-256");
    out.push({ transferId, totalLength: bytes.length, sha256, frames: sorted.length, problems });
  }
  return out;
}

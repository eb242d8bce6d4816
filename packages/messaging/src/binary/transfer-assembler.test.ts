import { createHash } from "node:crypto";
import { type ChunkFrame, decodeChunkFrame, splitIntoChunkFrames, ValidationError } from "@sfn/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AssemblyResult, TransferAssembler } from "./transfer-assembler.js";

function framesOf(data: Uint8Array, chunkSize: number): ChunkFrame[] {
  return splitIntoChunkFrames(data, { chunkSize }).map((frame) => decodeChunkFrame(frame));
}

function feed(frames: ChunkFrame[], maxBytes = 1 << 20): AssemblyResult {
  const assembler = new TransferAssembler(frames[0]!.header, maxBytes);
  let last: AssemblyResult = { status: "pending" };
  for (const frame of frames) {
    last = assembler.add(frame);
    if (last.status !== "pending") return last;
  }
  return last;
}

function reasonOf(result: AssemblyResult): unknown {
  expect(result.status).toBe("invalid");
  if (result.status !== "invalid") return undefined;
  expect(result.error).toBeInstanceOf(ValidationError);
  expect(result.error.code).toBe("SFN_TRANSFER_INVALID");
  return (result.error.details as { reason: string }).reason;
}

describe("TransferAssembler", () => {
  it("restores the payload from any permutation of its chunks, with redelivered duplicates", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 400 }),
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 10 }),
        (data, chunkSize, randomness, duplicates) => {
          const frames = framesOf(data, chunkSize);
          const shuffled = frames
            .map((frame) => ({ frame, key: randomness.next().value }))
            .sort((a, b) => a.key - b.key)
            .map(({ frame }) => frame);
          // A duplicate may arrive anywhere before the last new chunk completes the transfer.
          const withDuplicates = [...shuffled];
          for (const d of duplicates) {
            const copy = shuffled[d % shuffled.length]!;
            withDuplicates.splice(d % withDuplicates.length, 0, copy);
          }
          const result = feed(withDuplicates);
          expect(result.status).toBe("complete");
          if (result.status === "complete") expect(Buffer.compare(result.data, Buffer.from(data))).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects a payload whose bytes do not match the SHA-256", () => {
    const frames = framesOf(Buffer.from("hello world, twice over"), 5);
    const corrupted = frames.map((f, i) => (i === 2 ? { ...f, data: Buffer.from("HELLO") } : f));
    expect(reasonOf(feed(corrupted))).toBe("sha256_mismatch");
  });

  it("rejects chunks that disagree with the first one", () => {
    const frames = framesOf(Buffer.alloc(100, 1), 10);
    const other = framesOf(Buffer.alloc(100, 2), 10);
    const mixed = [
      frames[0]!,
      { header: { ...other[1]!.header, transferId: frames[0]!.header.transferId }, data: other[1]!.data },
    ];
    expect(reasonOf(feed(mixed))).toBe("inconsistent_header");
  });

  it("rejects more bytes than announced", () => {
    const frames = framesOf(Buffer.alloc(20, 1), 10);
    const padded = [
      { ...frames[0]!, data: Buffer.alloc(15) },
      { ...frames[1]!, data: Buffer.alloc(15) },
    ];
    expect(reasonOf(feed(padded))).toBe("length_mismatch");
  });

  it("refuses a transfer larger than the limit before storing anything", () => {
    const frames = framesOf(Buffer.alloc(2048), 512);
    expect(() => new TransferAssembler(frames[0]!.header, 1024)).toThrow(
      expect.objectContaining({
        code: "SFN_TRANSFER_INVALID",
        details: expect.objectContaining({ reason: "too_large" }),
      }),
    );
  });

  it("accepts an empty transfer", () => {
    const result = feed(framesOf(new Uint8Array(0), 10));
    expect(result.status).toBe("complete");
    if (result.status === "complete") {
      expect(result.data.length).toBe(0);
      expect(result.header.sha256).toBe(createHash("sha256").digest("hex"));
    }
  });
});

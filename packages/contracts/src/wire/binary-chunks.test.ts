import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/error-types.js";
import { decodeChunkFrame, encodeChunkFrame, splitIntoChunkFrames } from "./binary-chunks.js";

describe("binary chunk frames", () => {
  it("split then decode restores the payload, its hash and order", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 700 }), (data, chunkSize) => {
        const frames = splitIntoChunkFrames(data, { chunkSize, headers: { authorization: "Bearer t" } });
        const decoded = frames.map(decodeChunkFrame);
        expect(decoded).toHaveLength(Math.max(1, Math.ceil(data.length / chunkSize)));
        expect(new Set(decoded.map((f) => f.header.transferId)).size).toBe(1);
        const joined = Buffer.concat(decoded.map((f) => f.data));
        expect(joined.equals(Buffer.from(data))).toBe(true);
        expect(decoded[0]?.header.sha256).toBe(createHash("sha256").update(data).digest("hex"));
        expect(decoded.every((f, i) => f.header.index === i && f.header.totalLength === data.length)).toBe(
          true,
        );
      }),
      { numRuns: 200 },
    );
  });

  it("rejects arbitrary bytes only with SFN_TRANSFER_INVALID", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeChunkFrame(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as ValidationError).code).toBe("SFN_TRANSFER_INVALID");
          expect((error as ValidationError).details).toMatchObject({ reason: "malformed_frame" });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects an index outside the transfer", () => {
    const frame = encodeChunkFrame(
      {
        transferId: "AAAAAAAAAAAAAAAAAAAAAA",
        index: 3,
        count: 3,
        totalLength: 1,
        sha256: "0".repeat(64),
        headers: {},
      },
      Buffer.from([1]),
    );
    expect(() => decodeChunkFrame(frame)).toThrow(/index 3 is not below count 3/);
  });

  it("refuses a nonsensical chunk size", () => {
    expect(() => splitIntoChunkFrames(Buffer.from("abc"), { chunkSize: 0 })).toThrow(ValidationError);
  });
});

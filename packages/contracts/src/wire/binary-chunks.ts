import { createHash } from "node:crypto";
import { ErrorCodes } from "../errors/error-codes.js";
import { ValidationError } from "../errors/error-types.js";
import type { ChunkHeader, Headers } from "../generated/wire-types.generated.js";
import { wireValidator } from "../validation/validator.js";
import { DEFAULT_CHUNK_SIZE } from "./constants.js";
import { newSessionId } from "./ids.js";

/** One decoded chunk frame. */
export interface ChunkFrame {
  header: ChunkHeader;
  data: Buffer;
}

const MAX_HEADER_BYTES = 64 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A payload that is not a chunk frame: docs/protocol.md P-BIN-7 reason `malformed_frame`. */
function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw new ValidationError(message, {
    code: ErrorCodes.transferInvalid,
    details: { reason: "malformed_frame", ...details },
  });
}

/** Frame layout: 4-byte big-endian header length N, N bytes of UTF-8 JSON ChunkHeader, then the chunk bytes. */
export function encodeChunkFrame(header: ChunkHeader, data: Uint8Array): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const frame = Buffer.allocUnsafe(4 + headerBytes.length + data.byteLength);
  frame.writeUInt32BE(headerBytes.length, 0);
  headerBytes.copy(frame, 4);
  frame.set(data, 4 + headerBytes.length);
  return frame;
}

/** Parses one chunk frame; any malformed input yields a ValidationError with code SFN_TRANSFER_INVALID. */
export function decodeChunkFrame(payload: Uint8Array): ChunkFrame {
  const frame = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (frame.length < 4) invalid("chunk frame is shorter than its length prefix");
  const headerLength = frame.readUInt32BE(0);
  if (headerLength > MAX_HEADER_BYTES || 4 + headerLength > frame.length) {
    invalid(`chunk header length ${headerLength} does not fit the frame of ${frame.length} bytes`);
  }
  let header: unknown;
  try {
    header = JSON.parse(utf8.decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    invalid("chunk header is not UTF-8 JSON");
  }
  const result = wireValidator().validate("ChunkHeader", header);
  if (!result.valid) invalid("chunk header is invalid", { violations: result.violations });
  const { index, count } = result.value;
  if (index >= count) invalid(`chunk index ${index} is not below count ${count}`);
  return { header: result.value, data: frame.subarray(4 + headerLength) };
}

export interface SplitOptions {
  chunkSize?: number;
  headers?: Headers;
  transferId?: string;
}

/** Splits a payload into chunk frames ready to publish, in order. */
export function splitIntoChunkFrames(data: Uint8Array, options: SplitOptions = {}): Buffer[] {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new ValidationError(`chunk size must be a positive integer, got ${chunkSize}`);
  }
  const sha256 = createHash("sha256").update(data).digest("hex");
  const count = Math.max(1, Math.ceil(data.byteLength / chunkSize));
  const transferId = options.transferId ?? newSessionId();
  const frames: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = data.subarray(index * chunkSize, Math.min(data.byteLength, (index + 1) * chunkSize));
    const header: ChunkHeader = {
      transferId,
      index,
      count,
      totalLength: data.byteLength,
      sha256,
      headers: options.headers ?? {},
    };
    frames.push(encodeChunkFrame(header, chunk));
  }
  return frames;
}

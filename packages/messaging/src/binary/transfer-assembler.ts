import { createHash } from "node:crypto";
import { type ChunkFrame, type ChunkHeader, ErrorCodes, ValidationError } from "@sfn/contracts";

/**
 * Why a transfer was rejected (`details.reason` of its SFN_TRANSFER_INVALID error), as named by
 * docs/protocol.md P-BIN-7. `malformed_frame` (from the contracts' frame decoder) only reaches the
 * on-error hooks: an undecodable payload is skipped, the transfer it may belong to goes on.
 */
export type TransferFailure =
  | "malformed_frame"
  | "inconsistent_header"
  | "too_large"
  | "length_mismatch"
  | "sha256_mismatch"
  | "incomplete";

export type AssemblyResult =
  | { status: "pending" }
  | { status: "complete"; data: Buffer; header: ChunkHeader }
  | { status: "invalid"; error: ValidationError };

export function transferInvalid(
  transferId: string,
  reason: TransferFailure,
  message: string,
  details: Record<string, unknown> = {},
): ValidationError {
  return new ValidationError(`binary transfer ${transferId}: ${message}`, {
    code: ErrorCodes.transferInvalid,
    details: { transferId, reason, ...details },
  });
}

/**
 * Reassembles the chunks of one transfer in whatever order they arrive. Every chunk must agree with the
 * first on count, total length and hash; a repeated index (a QoS 1 redelivery) is ignored; memory is
 * bounded by `maxBytes` before anything is stored; the result is checked against the SHA-256.
 */
export class TransferAssembler {
  readonly #first: ChunkHeader;
  readonly #chunks: (Buffer | undefined)[];
  #received = 0;
  #bytes = 0;

  /** Throws the SFN_TRANSFER_INVALID error when the announced transfer is larger than `maxBytes`. */
  constructor(first: ChunkHeader, maxBytes: number) {
    if (first.totalLength > maxBytes) {
      throw transferInvalid(first.transferId, "too_large", `${first.totalLength} bytes exceed the limit`, {
        totalLength: first.totalLength,
        limit: maxBytes,
      });
    }
    if (first.count > Math.max(1, first.totalLength)) {
      throw transferInvalid(first.transferId, "inconsistent_header", "more chunks than bytes", {
        count: first.count,
      });
    }
    this.#first = first;
    this.#chunks = new Array<Buffer | undefined>(first.count);
  }

  get received(): number {
    return this.#received;
  }

  get count(): number {
    return this.#first.count;
  }

  add(frame: ChunkFrame): AssemblyResult {
    const { header, data } = frame;
    const first = this.#first;
    const id = first.transferId;
    if (
      header.count !== first.count ||
      header.totalLength !== first.totalLength ||
      header.sha256 !== first.sha256
    ) {
      return {
        status: "invalid",
        error: transferInvalid(id, "inconsistent_header", "chunks disagree on count, length or hash"),
      };
    }
    if (this.#chunks[header.index] !== undefined) return { status: "pending" };
    this.#bytes += data.length;
    if (this.#bytes > first.totalLength) {
      return {
        status: "invalid",
        error: transferInvalid(id, "length_mismatch", "more bytes than announced"),
      };
    }
    this.#chunks[header.index] = data;
    this.#received += 1;
    if (this.#received < first.count) return { status: "pending" };
    if (this.#bytes !== first.totalLength) {
      return {
        status: "invalid",
        error: transferInvalid(id, "length_mismatch", "fewer bytes than announced"),
      };
    }
    const whole = Buffer.concat(this.#chunks as Buffer[], first.totalLength);
    if (createHash("sha256").update(whole).digest("hex") !== first.sha256) {
      return { status: "invalid", error: transferInvalid(id, "sha256_mismatch", "SHA-256 does not match") };
    }
    return { status: "complete", data: whole, header: first };
  }
}

import { type ChunkFrame, decodeChunkFrame } from "@sfn/contracts";
import type { ClientContext } from "../client/client-context.js";
import { type Outcome, type WaitOptions, waitOnTopic } from "../client/receive.js";
import { TransferAssembler, transferInvalid } from "./transfer-assembler.js";

export interface ReceiveBinaryWaitOptions extends WaitOptions {
  maxBytes: number;
  idleTimeoutMs: number;
}

interface OpenTransfer {
  assembler: TransferAssembler;
  bytes: number;
  idle?: NodeJS.Timeout;
}

/** The transfers of one receiveBinary() call that have started but not finished. */
class OpenTransfers {
  readonly #open = new Map<string, OpenTransfer>();
  #announced = 0;

  constructor(
    readonly maxBytes: number,
    readonly idleTimeoutMs: number,
  ) {}

  /** The transfer a frame belongs to; throws SFN_TRANSFER_INVALID when starting it would exceed the limit. */
  forFrame(frame: ChunkFrame): OpenTransfer {
    const { transferId, totalLength } = frame.header;
    const existing = this.#open.get(transferId);
    if (existing !== undefined) return existing;
    if (this.#announced + totalLength > this.maxBytes) {
      throw transferInvalid(transferId, "too_large", `${totalLength} bytes exceed the limit`, {
        totalLength,
        limit: this.maxBytes,
        inProgress: this.#announced,
      });
    }
    const created: OpenTransfer = {
      assembler: new TransferAssembler(frame.header, this.maxBytes),
      bytes: totalLength,
    };
    this.#announced += totalLength;
    this.#open.set(transferId, created);
    return created;
  }

  forget(transferId: string): void {
    const transfer = this.#open.get(transferId);
    if (transfer === undefined) return;
    clearTimeout(transfer.idle);
    this.#announced -= transfer.bytes;
    this.#open.delete(transferId);
  }

  clear(): void {
    for (const transferId of [...this.#open.keys()]) this.forget(transferId);
  }
}

function onFrame(transfers: OpenTransfers, frame: ChunkFrame, outcome: Outcome<Uint8Array>): void {
  const { transferId } = frame.header;
  let transfer: OpenTransfer;
  try {
    transfer = transfers.forFrame(frame);
  } catch (error) {
    outcome.reject(error);
    return;
  }
  const { assembler } = transfer;
  clearTimeout(transfer.idle);
  transfer.idle = setTimeout(() => {
    transfers.forget(transferId);
    outcome.reject(
      transferInvalid(transferId, "incomplete", `no chunk for ${transfers.idleTimeoutMs} ms`, {
        received: assembler.received,
        count: assembler.count,
      }),
    );
  }, transfers.idleTimeoutMs);
  const step = assembler.add(frame);
  if (step.status === "pending") return;
  transfers.forget(transferId);
  if (step.status === "invalid") outcome.reject(step.error);
  else outcome.resolve(new Uint8Array(step.data.buffer, step.data.byteOffset, step.data.byteLength));
}

/**
 * receiveBinary(): reassembles the chunk frames arriving on a topic and resolves with the first
 * transfer that completes — or rejects with SFN_TRANSFER_INVALID for the first that fails (too large,
 * inconsistent, wrong hash, or no chunk for `idleTimeoutMs`). Payloads that are not chunk frames are
 * reported to the on-error hooks and skipped. Open transfers together announce at most `maxBytes`.
 */
export function receiveBinaryTransfer(
  context: ClientContext,
  topic: string,
  options: ReceiveBinaryWaitOptions,
): Promise<Uint8Array> {
  const transfers = new OpenTransfers(options.maxBytes, options.idleTimeoutMs);
  const result = waitOnTopic<Uint8Array>(context, topic, options, (messageTopic, payload, outcome) => {
    let frame: ChunkFrame;
    try {
      frame = decodeChunkFrame(payload);
    } catch (error) {
      context.hooks.reportError(messageTopic, error);
      return;
    }
    onFrame(transfers, frame, outcome);
  });
  const cleanup = () => transfers.clear();
  result.then(cleanup, cleanup);
  return result;
}

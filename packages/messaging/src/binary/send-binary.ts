import {
  abortError,
  CHUNK_CONTENT_TYPE,
  createMessageEnvelope,
  ErrorCodes,
  type Headers,
  newSessionId,
  type QoS,
  splitIntoChunkFrames,
  ValidationError,
} from "@sfn/contracts";
import type { IClientPublishOptions } from "mqtt";
import type { ClientContext } from "../client/client-context.js";
import { checkPublishTopic } from "../client/envelope-sender.js";
import { publish } from "../connection/broker-operations.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";

/** Chunks published at once: enough to fill the pipe, few enough to bound memory in mqtt.js's store. */
const WINDOW = 8;

export interface SendBinaryParams {
  headers: Headers;
  qos: QoS;
  chunkSize: number;
  signal?: AbortSignal;
}

/**
 * Splits `data` into chunk frames (contracts' ChunkHeader framing) and publishes them with a bounded
 * window. The before-send hooks see one envelope describing the transfer; the headers they leave on it
 * travel in every chunk.
 */
export async function sendBinaryTransfer(
  context: ClientContext,
  topic: string,
  data: Uint8Array,
  params: SendBinaryParams,
): Promise<void> {
  context.activity.assertOpen();
  checkPublishTopic(topic);
  if (!(data instanceof Uint8Array)) {
    throw new ValidationError("sendBinary needs a Uint8Array", { code: MessagingErrorCodes.invalidArgument });
  }
  const { chunkSize } = params;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize + 4096 > context.options.maxPayloadBytes) {
    throw new ValidationError(
      `chunkSize must be an integer from 1 to maxPayloadBytes - 4096, got ${chunkSize}`,
      {
        code: ErrorCodes.payloadTooLarge,
      },
    );
  }
  const transferId = newSessionId();
  const headers = { ...params.headers };
  context.trace.inject(headers);
  const announcement = createMessageEnvelope(
    {
      transferId,
      totalLength: data.byteLength,
      chunkSize,
      count: Math.max(1, Math.ceil(data.byteLength / chunkSize)),
    },
    headers,
  );
  const hooks = context.hooks.run({ type: "before-send", topic, envelope: announcement });
  if (hooks !== undefined) await hooks;
  const frames = splitIntoChunkFrames(data, { chunkSize, headers: announcement.headers, transferId });
  const options: IClientPublishOptions = { qos: params.qos };
  if (context.options.mirrorProperties && context.main.protocolVersion === 5) {
    options.properties = { contentType: CHUNK_CONTENT_TYPE };
  }
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < frames.length && !failed) {
      if (params.signal?.aborted) throw abortError(params.signal);
      const frame = frames[next]!;
      next += 1;
      await context.activity.track(publish(context.main, topic, frame, options)).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(WINDOW, frames.length) }, worker));
}

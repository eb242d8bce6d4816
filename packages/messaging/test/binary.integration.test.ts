import { createHash, randomBytes } from "node:crypto";
import {
  decodeChunkFrame,
  encodeChunkFrame,
  type HookEvent,
  splitIntoChunkFrames,
  ValidationError,
} from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { alice, openClient, openRawClient, uniqueTopicRoot } from "./support/broker.js";

function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomBytes(4).readUInt32BE(0) % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe("chunked binary transfers", () => {
  it("moves 10 MiB through sendBinary/receiveBinary intact", async () => {
    const topic = `${uniqueTopicRoot("bin")}/file`;
    const messaging = (await openClient()).createMessaging(alice);
    const data = randomBytes(10 * 1024 * 1024);
    const received = messaging.receiveBinary(topic, {
      timeout: 60_000,
      onSubscribed: () => void messaging.sendBinary(topic, data),
    });
    const bytes = await received;
    expect(bytes.byteLength).toBe(data.length);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(
      createHash("sha256").update(data).digest("hex"),
    );
  });

  it("reassembles 10 MiB whose chunks arrive shuffled and partly duplicated", async () => {
    const topic = `${uniqueTopicRoot("bin")}/file`;
    const messaging = (await openClient()).createMessaging(alice);
    const data = randomBytes(10 * 1024 * 1024);
    const frames = splitIntoChunkFrames(data, { chunkSize: 64 * 1024 });
    const wire = shuffle([...frames, ...frames.slice(0, 5)]);
    const raw = await openRawClient();
    const received = messaging.receiveBinary(topic, {
      timeout: 60_000,
      onSubscribed: () => {
        void (async () => {
          for (const frame of wire) await raw.publishAsync(topic, frame, { qos: 1 });
        })();
      },
    });
    expect(Buffer.from(await received).equals(data)).toBe(true);
  });

  it("rejects a corrupt transfer with SFN_TRANSFER_INVALID (hash mismatch)", async () => {
    const topic = `${uniqueTopicRoot("bin")}/file`;
    const messaging = (await openClient()).createMessaging(alice);
    const frames = splitIntoChunkFrames(randomBytes(1000), { chunkSize: 100 });
    const victim = decodeChunkFrame(frames[3]!);
    frames[3] = encodeChunkFrame(victim.header, Buffer.alloc(victim.data.length, 0));
    const raw = await openRawClient();
    const received = messaging.receiveBinary(topic, {
      timeout: 10_000,
      onSubscribed: () => void Promise.all(frames.map((f) => raw.publishAsync(topic, f, { qos: 1 }))),
    });
    await expect(received).rejects.toBeInstanceOf(ValidationError);
    await expect(received).rejects.toMatchObject({
      code: "SFN_TRANSFER_INVALID",
      details: { reason: "sha256_mismatch" },
    });
  });

  it("rejects an incomplete transfer after the idle timeout, and one larger than maxBytes at once", async () => {
    const topic = `${uniqueTopicRoot("bin")}/file`;
    const messaging = (await openClient()).createMessaging(alice);
    const raw = await openRawClient();
    const frames = splitIntoChunkFrames(randomBytes(1000), { chunkSize: 100 });
    const incomplete = messaging.receiveBinary(topic, {
      idleTimeoutMs: 300,
      onSubscribed: () =>
        void Promise.all(frames.slice(0, 7).map((f) => raw.publishAsync(topic, f, { qos: 1 }))),
    });
    await expect(incomplete).rejects.toMatchObject({
      code: "SFN_TRANSFER_INVALID",
      details: { reason: "incomplete", received: 7, count: 10 },
    });
    const tooLarge = messaging.receiveBinary(topic, {
      maxBytes: 500,
      onSubscribed: () => void raw.publishAsync(topic, frames[0]!, { qos: 1 }),
    });
    await expect(tooLarge).rejects.toMatchObject({
      code: "SFN_TRANSFER_INVALID",
      details: { reason: "too_large" },
    });
  });

  it("skips and reports payloads that are not chunk frames", async () => {
    const topic = `${uniqueTopicRoot("bin")}/file`;
    const client = await openClient();
    const errors: HookEvent[] = [];
    client.addHook("on-error", (event) => {
      errors.push(event);
    });
    const messaging = client.createMessaging(alice);
    const raw = await openRawClient();
    const data = randomBytes(300);
    const received = messaging.receiveBinary(topic, {
      timeout: 10_000,
      onSubscribed: () => {
        void (async () => {
          await raw.publishAsync(topic, Buffer.from("not a frame"), { qos: 1 });
          await messaging.sendBinary(topic, data, { chunkSize: 64 });
        })();
      },
    });
    expect(Buffer.from(await received).equals(data)).toBe(true);
    expect(errors.map((e) => (e.error as { code: string }).code)).toEqual(["SFN_TRANSFER_INVALID"]);
    expect((errors[0]!.error as { details: unknown }).details).toEqual({ reason: "malformed_frame" });
  });
});

import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { createMessageEnvelope, encodeEnvelope } from "@sfn/contracts";
import { connectAsync, type MqttClient } from "mqtt";
import { createMessagingClient } from "../src/index.js";

type Consumer = (
  topic: string,
  onHandled: () => void,
  work: () => Promise<void> | void,
) => Promise<() => Promise<void>>;

async function rawClient(url: string): Promise<MqttClient> {
  const client = await connectAsync(url, { protocolVersion: 5, clean: true });
  (client.stream as Socket).setNoDelay?.(true);
  return client;
}

/** mqtt.js default: PUBACK before the handler ran (a crash loses the message). */
const rawAckFirst: Consumer = async (topic, onHandled, work) => {
  const client = await rawClient(process.env.SFN_MQTT_URL!);
  client.on("message", () => void Promise.resolve(work()).then(onHandled));
  await client.subscribeAsync(topic, { qos: 1 });
  return () => client.endAsync(true);
};

/** mqtt.js handleMessage override: PUBACK after the handler, one message at a time. */
const rawAckAfter: Consumer = async (topic, onHandled, work) => {
  const client = await rawClient(process.env.SFN_MQTT_URL!);
  client.handleMessage = (_packet, callback) => {
    void Promise.resolve(work()).then(() => {
      onHandled();
      callback();
    });
  };
  await client.subscribeAsync(topic, { qos: 1 });
  return () => client.endAsync(true);
};

function library(options: { concurrency?: number; connections?: number }): Consumer {
  return async (topic, onHandled, work) => {
    const client = await createMessagingClient({ url: process.env.SFN_MQTT_URL!, logger: {} });
    const filter = options.connections ? `$share/bench${randomBytes(3).toString("hex")}/${topic}` : topic;
    await client.createMessaging({ userId: "bench", roles: [], groups: [] }).subscribe(
      filter,
      async () => {
        await work();
        onHandled();
      },
      options,
    );
    return () => client.close();
  };
}

async function run(
  url: string,
  consumer: Consumer,
  total: number,
  work: () => Promise<void> | void,
): Promise<number> {
  const topic = `bench/${randomBytes(6).toString("hex")}/sub`;
  let handled = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const stop = await consumer(topic, () => ++handled === total && finish(), work);
  const publisher = await rawClient(url);
  // Distinct messages (each its own messageId), built before the clock starts.
  const headers = { authorization: `Bearer ${"x".repeat(800)}` };
  const payloads = Array.from({ length: total }, (_, n) =>
    encodeEnvelope(createMessageEnvelope({ n }, headers)),
  );
  const begin = performance.now();
  let sent = 0;
  const pump = async () => {
    while (sent < total) {
      const payload = payloads[sent++]!;
      await publisher.publishAsync(topic, payload, { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: 32 }, pump));
  await done;
  const elapsed = performance.now() - begin;
  await publisher.endAsync(true);
  await stop();
  return Math.round((total / elapsed) * 1000);
}

const io = () => new Promise<void>((resolve) => setTimeout(resolve, 2));

/** Messages per second through each consumer shape, for a no-op handler and a handler doing 2 ms of I/O. */
export async function subscribeThroughput(url: string): Promise<Record<string, string | number>[]> {
  process.env.SFN_MQTT_URL = url;
  const rows: Record<string, string | number>[] = [];
  const shapes: [string, Consumer, boolean][] = [
    ["mqtt.js on('message') (ack before work, not at-least-once)", rawAckFirst, true],
    ["mqtt.js handleMessage (ack after work, 1 at a time)", rawAckAfter, true],
    ["subscribe, concurrency 1", library({}), true],
    ["subscribe, concurrency 16", library({ concurrency: 16 }), true],
    ["subscribe $share, 4 connections × concurrency 4", library({ connections: 4, concurrency: 4 }), false],
  ];
  for (const [name, consumer, noop] of shapes) {
    const row: Record<string, string | number> = { consumer: name };
    row["no-op handler, msg/s"] = noop ? await run(url, consumer, 5_000, () => {}) : "—";
    row["2 ms I/O handler, msg/s"] = await run(url, consumer, 1_000, io);
    rows.push(row);
  }
  return rows;
}

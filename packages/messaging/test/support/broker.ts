import { randomBytes } from "node:crypto";
import type { UserContext } from "@sfn/contracts";
import { connectAsync, type IClientOptions, type MqttClient } from "mqtt";
import { afterEach } from "vitest";
import { createMessagingClient, type MessagingClient, type MessagingClientOptions } from "../../src/index.js";

/** The fixture's Mosquitto (set by the testkit's vitest global setup). */
export function fixtureMqttUrl(): string {
  const url = process.env.SFN_MQTT_URL;
  if (!url)
    throw new Error("SFN_MQTT_URL is not set: run through vitest.integration.config.ts (the fixture)");
  return url;
}

/** A topic root no other test run uses, so parallel runs on the shared broker never see each other. */
export function uniqueTopicRoot(name: string): string {
  return `it-messaging/${name}/${randomBytes(6).toString("hex")}`;
}

export const alice: UserContext = {
  userId: "alice",
  roles: ["user"],
  groups: [],
  token: "alice-token",
} as UserContext;

const openClients: MessagingClient[] = [];
const openRaw: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(openClients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(openRaw.splice(0).map((client) => client.endAsync(true).catch(() => {})));
});

/** A MessagingClient on the fixture broker, closed after the test. */
export async function openClient(options: Partial<MessagingClientOptions> = {}): Promise<MessagingClient> {
  const client = await createMessagingClient({ url: fixtureMqttUrl(), logger: {}, ...options });
  openClients.push(client);
  return client;
}

/** A plain mqtt.js client (the other side of the wire in tests), closed after the test. */
export async function openRawClient(
  options: IClientOptions = {},
  url = fixtureMqttUrl(),
): Promise<MqttClient> {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 200, ...options });
  (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  openRaw.push(client);
  return client;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

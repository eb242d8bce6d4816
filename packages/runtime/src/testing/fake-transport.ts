import type { Envelope } from "@sfn/contracts";
import type { HostTransport, InboundMessage } from "../host/transport.js";

export interface Published {
  topic: string;
  envelope: Envelope;
}

/** An in-memory HostTransport for unit tests: `deliver` resolves when the message would be acked. */
export class FakeTransport implements HostTransport {
  readonly published: Published[] = [];
  acked = 0;
  connected = false;
  #handler: ((m: InboundMessage) => Promise<void>) | undefined;

  async start(handler: (m: InboundMessage) => Promise<void>): Promise<void> {
    this.#handler = handler;
    this.connected = true;
  }
  publish(topic: string, payload: Buffer): void {
    this.published.push({ topic, envelope: JSON.parse(payload.toString("utf8")) as Envelope });
  }
  async deliver(payload: Buffer | string | object, extra: Partial<InboundMessage> = {}): Promise<void> {
    const bytes = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload));
    await this.#handler!({ payload: bytes, publish: (topic, body) => this.publish(topic, body), ...extra });
    this.acked++;
  }
  async drain(): Promise<void> {}
  async close(): Promise<void> {
    this.connected = false;
  }
}

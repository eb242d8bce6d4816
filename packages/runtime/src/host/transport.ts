import type { MqttPublishProperties } from "@sfn/contracts";

/** One PUBLISH received on the service subscription. */
export interface InboundMessage {
  payload: Buffer;
  /** MQTT 5 Response Topic, used only for oversized payloads (P-SIZE-3). */
  responseTopic?: string;
  /** MQTT 5 Correlation Data. */
  correlationData?: Buffer;
  /**
   * Publishes on the connection that received this message, so that the reply is written before the
   * call's PUBACK on the same socket (P-QOS-4): QoS 1, not awaited.
   */
  publish(topic: string, payload: Buffer, properties?: MqttPublishProperties): void;
}

/**
 * The host's view of the broker, kept small so the host does not depend on a particular client:
 * the handler's promise settling is the acknowledgement (PUBACK after processing, P-QOS-4).
 */
export interface HostTransport {
  /** Connects, installs `handler` before any session message can arrive (P-TRN-6), subscribes. */
  start(handler: (message: InboundMessage) => Promise<void>): Promise<void>;
  /** Stops taking calls; resolves when every in-flight handler has finished and been acknowledged. */
  drain(graceMs: number): Promise<void>;
  /** Disconnects. `leave` ends the persistent sessions (scale-in, P-QOS-7). */
  close(options?: { leave?: boolean }): Promise<void>;
  /** True while every connection is up. */
  readonly connected: boolean;
}

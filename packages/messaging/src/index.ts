// @sfn/messaging — the sfn Messaging interface over MQTT 5 (mqtt.js), with an MQTT 3.1.1 fallback.

export type { TransferFailure } from "./binary/transfer-assembler.js";
export type {
  BoundMessaging,
  MqttReceiveBinaryOptions,
  MqttReceiveOptions,
  MqttSendAndWaitOptions,
} from "./client/bound-messaging.js";
export type { MessagingClientOptions } from "./client/client-options.js";
export {
  type ClientState,
  createMessagingClient,
  MessagingClient,
  type MessagingClientEvents,
} from "./client/messaging-client.js";
// For hosts that drive mqtt.js themselves (the @sfn/runtime transport): PUBACKs in arrival order
// while handlers finish in any order (ADR-11).
export {
  AckSequencer,
  type AckSlot,
  DEFER_ACK,
  PubackReason,
} from "./connection/ack-sequencer.js";
export type { BrokerOptions, ProtocolLevel } from "./connection/connection-options.js";
export { createMqttClient } from "./connection/create-mqtt-client.js";
export { type MessagingErrorCode, MessagingErrorCodes } from "./errors/messaging-error-codes.js";
export type { BackoffOptions } from "./internal/backoff.js";
export type { MessagingLogger } from "./internal/logger.js";
export type { MqttSubscribeOptions } from "./subscribe/subscribe.js";

import { SystemError } from "@sfn/contracts";
import type { IClientPublishOptions } from "mqtt";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { MqttConnection } from "./mqtt-connection.js";

function rejected(message: string, cause: unknown, details?: unknown): SystemError {
  return new SystemError(message, { code: MessagingErrorCodes.brokerRejected, cause, details });
}

/**
 * Publishes and resolves when the broker acknowledged (QoS ≥ 1) or the bytes were handed to the socket
 * (QoS 0). While disconnected, mqtt.js keeps the packet and sends it after reconnecting.
 */
export function publish(
  connection: MqttConnection,
  topic: string,
  payload: Buffer,
  options: IClientPublishOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    connection.mqtt.publish(topic, payload, options, (error) => {
      if (error) reject(rejected(`publish to '${topic}' failed: ${error.message}`, error));
      else resolve();
    });
  });
}

/** Subscribes and checks the SUBACK: a reason code ≥ 0x80 (refused) rejects with SFN_BROKER_REJECTED. */
export function subscribe(connection: MqttConnection, filter: string, qos: 0 | 1 | 2): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    connection.mqtt.subscribe(filter, { qos }, (error, granted) => {
      if (error) {
        reject(rejected(`subscribe to '${filter}' failed: ${error.message}`, error));
        return;
      }
      const code = granted?.[0]?.qos ?? 0x80;
      if (code >= 0x80) {
        reject(
          rejected(`the broker refused the subscription to '${filter}'`, undefined, { reasonCode: code }),
        );
        return;
      }
      resolve();
    });
  });
}

export function unsubscribe(connection: MqttConnection, filter: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    connection.mqtt.unsubscribe(filter, (error) => {
      if (error) reject(rejected(`unsubscribe from '${filter}' failed: ${error.message}`, error));
      else resolve();
    });
  });
}

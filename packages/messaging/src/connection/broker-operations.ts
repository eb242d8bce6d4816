import { SystemError } from "@sfn/contracts";
import type { IClientPublishOptions } from "mqtt";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { MqttConnection } from "./mqtt-connection.js";

function rejected(message: string, cause: unknown, details?: unknown): SystemError {
  return new SystemError(message, { code: MessagingErrorCodes.brokerRejected, cause, details });
}

/** The error of a publish mqtt.js could not complete (SFN_BROKER_REJECTED). */
export function publishFailed(topic: string, error: Error): SystemError {
  return rejected(`publish to '${topic}' failed: ${error.message}`, error);
}

/**
 * Publishes and calls `done` once the broker acknowledged (QoS ≥ 1) or the bytes were handed to the
 * socket (QoS 0), with the SFN_BROKER_REJECTED error when mqtt.js failed it. While disconnected, mqtt.js
 * keeps the packet and sends it after reconnecting. The callback form costs no promise (request/reply's
 * hot path); `publish` is the promise form.
 */
export function publishWith(
  connection: MqttConnection,
  topic: string,
  payload: Buffer | string,
  options: IClientPublishOptions,
  done: (error?: SystemError) => void,
): void {
  connection.mqtt.publish(topic, payload, options, (error) => {
    if (error) done(publishFailed(topic, error));
    else done();
  });
}

/** publishWith() as a promise. */
export function publish(
  connection: MqttConnection,
  topic: string,
  payload: Buffer | string,
  options: IClientPublishOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    publishWith(connection, topic, payload, options, (error) => (error ? reject(error) : resolve()));
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

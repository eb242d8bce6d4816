import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { serviceTopic, sharedServiceSubscription } from "@sfn/contracts";
import { AckSequencer, createMqttClient, DEFER_ACK } from "@sfn/messaging";
import type { IPublishPacket, MqttClient } from "mqtt";
import type { RuntimeLogger } from "../observability/logger.js";
import { useUncachedPacketNumbers } from "./mqtt-packet-numbers.js";
import type { HostTransport, InboundMessage } from "./transport.js";

export interface MqttTransportOptions {
  url: string;
  serviceName: string;
  /** Connections in the shared-subscription group (P-QOS-6). */
  concurrency: number;
  /**
   * Calls each connection handles at once (default 1). Above 1, messages are released to the handlers
   * at once and an ack sequencer sends the PUBACKs in arrival order as handlers finish (ADR-11).
   */
  handlersPerConnection?: number;
  /** Stable per replica across restarts (P-QOS-5). */
  replicaId: string;
  topicPrefix?: string;
  group?: string;
  /** Seconds; must exceed the longest call (P-TRN-7). */
  keepalive: number;
  sessionExpirySeconds: number;
  shared: boolean;
  /**
   * MQTT protocol level: 5 (default) or 4 (MQTT 3.1.1, for brokers such as aedes). At 4 no properties
   * travel (the envelope carries replyTo and callId anyway) and `$share/` is not used: a 3.1.1 broker
   * may accept the filter and deliver nothing, so exactly one replica subscribes to the plain topic.
   */
  protocolVersion?: 4 | 5;
  username?: string;
  password?: string;
  logger: RuntimeLogger;
}

/** How long closing waits for the broker's acknowledgements of our last replies. */
const CLOSE_WAIT_MS = 2000;
const DEBUG_MQTTJS = /mqttjs|\*/.test(process.env.DEBUG ?? "");
const noLog = () => {};

/** mqtt.js with ack-after-processing through `handleMessage` and an ack sequencer per connection. */
export function mqttTransport(options: MqttTransportOptions): HostTransport {
  useUncachedPacketNumbers();
  const clients: MqttClient[] = [];
  let accepting = true;
  const topicOptions = options.topicPrefix ? { prefix: options.topicPrefix } : undefined;
  const plain = serviceTopic(options.serviceName, topicOptions);
  const shared = sharedServiceSubscription(options.serviceName, { ...topicOptions, group: options.group });
  const protocolVersion = options.protocolVersion ?? 5;
  const perConnection = Math.max(1, options.handlersPerConnection ?? 1);
  let filter = options.shared && protocolVersion === 5 ? shared : plain;

  // In-flight handlers are counted, not collected: one promise chain per message, no Set bookkeeping.
  let running = 0;
  let idle: (() => void) | undefined;
  const finished = () => {
    running--;
    if (running === 0 && idle) {
      const wake = idle;
      idle = undefined;
      wake();
    }
  };
  const QOS1 = { qos: 1, retain: false } as const;
  const onHandlerError = (error: unknown) => options.logger.error({ err: String(error) }, "handler failed");
  const onPublishError = (topic: string) => (error?: Error) => {
    if (error) options.logger.warn({ err: error.message, topic }, "publish failed");
  };

  const connectOne = (index: number, handler: (m: InboundMessage) => Promise<void>) =>
    new Promise<MqttClient>((resolve, reject) => {
      const client = createMqttClient(options.url, {
        protocolVersion,
        clientId: `sfn-${options.serviceName}-${options.replicaId}-${index}`,
        clean: false,
        keepalive: options.keepalive,
        reconnectPeriod: 1000,
        ...(protocolVersion === 5
          ? { properties: { sessionExpiryInterval: options.sessionExpirySeconds } }
          : {}),
        username: options.username,
        password: options.password,
        // mqtt.js logs ~20 debug lines per packet; with DEBUG unset each still costs a call and an
        // argument array. The host's connections skip them unless DEBUG names mqttjs.
        ...(DEBUG_MQTTJS ? {} : { log: noLog }),
      });
      let sequencer: AckSequencer | undefined;
      let handling = 0;
      let paused: (() => void) | undefined;
      // Replies go out on the connection that received the call, before its PUBACK (P-QOS-4): QoS 1,
      // not awaited (an awaited QoS 1 publish would wait for a PUBACK queued behind this very call).
      const publish: InboundMessage["publish"] = (topic, body, properties) => {
        client.publish(
          topic,
          body,
          protocolVersion === 5 && properties ? { qos: 1, retain: false, properties } : QOS1,
          onPublishError(topic),
        );
      };
      client.handleMessage = (packet: IPublishPacket, done) => {
        if (!accepting) return; // never acknowledged: redelivered after we leave (P-QOS-7)
        let acknowledge: (() => void) | undefined;
        if (perConnection > 1 && packet.qos === 1 && packet.messageId !== undefined) {
          const stream = client.stream as unknown as Duplex;
          if (sequencer?.stream !== stream) sequencer = new AckSequencer(stream, protocolVersion);
          const slot = sequencer.track(packet.messageId);
          acknowledge = () => slot.complete();
        }
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        const props = packet.properties;
        running++;
        const settled = () => {
          finished();
          if (!acknowledge) return done();
          acknowledge();
          handling--;
          const release = paused;
          paused = undefined;
          release?.();
        };
        handler({
          payload,
          responseTopic: props?.responseTopic,
          correlationData: props?.correlationData,
          publish,
        })
          .catch(onHandlerError)
          .then(settled);
        if (acknowledge) {
          handling++;
          // Parse on at once (PUBACK deferred) while there is room; else when a handler finishes.
          const release = () => done(DEFER_ACK);
          if (handling < perConnection) release();
          else paused = release;
        }
      };
      // P-TRN-4: without no-delay, a PUBACK followed by the next reply waits for a delayed ACK (~40 ms).
      const noDelay = () => (client.stream as unknown as Partial<Socket> | undefined)?.setNoDelay?.(true);
      noDelay();
      client.on("connect", noDelay);
      client.on("error", (error) =>
        options.logger.warn({ err: error.message, connection: index }, "mqtt error"),
      );
      client.once("connect", (connack) => {
        // P-TRN-3: the CONNACK says whether `$share/` works (absent = available).
        const available = connack.properties?.sharedSubscriptionAvailable !== false;
        let reason = !options.shared
          ? "shared subscriptions disabled by config"
          : protocolVersion === 5
            ? "shared subscriptions available"
            : "MQTT 3.1.1: plain subscription, run exactly one replica";
        if (options.shared && protocolVersion === 5 && !available) {
          filter = plain;
          reason = "broker reports no shared subscriptions: run exactly one replica";
        }
        client.subscribe(filter, { qos: 1 }, (error) => {
          if (error) reject(error);
          else {
            options.logger.info(
              {
                connection: index,
                mqttVersion: protocolVersion,
                filter,
                sessionPresent: connack.sessionPresent,
                reason,
              },
              "subscribed",
            );
            resolve(client);
          }
        });
      });
    });

  return {
    get connected() {
      return clients.length > 0 && clients.every((c) => c.connected);
    },
    async start(handler) {
      // A plain (unshared) filter gets every message on every connection: then one connection only.
      for (let i = 0; i < options.concurrency && (i === 0 || filter === shared); i++) {
        clients.push(await connectOne(i, handler));
      }
    },
    async drain(graceMs) {
      const deadline = Date.now() + graceMs;
      const untilDeadline = (work: Promise<unknown>) => {
        let timer: NodeJS.Timeout | undefined;
        return Promise.race([
          work,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
          }),
        ]).finally(() => clearTimeout(timer));
      };
      // Calls keep being taken until each connection's UNSUBACK: the broker may have sent some after we
      // decided to stop, and one never acknowledged would wait in this session for a replica that may
      // not come back. The UNSUBACK can queue behind a running handler in mqtt.js's packet pipeline, so
      // the wait is bounded by the grace period like the calls themselves.
      await untilDeadline(
        Promise.all(
          clients.map((c) => new Promise<void>((resolve) => c.unsubscribe(filter, () => resolve()))),
        ),
      );
      if (running > 0) {
        await untilDeadline(
          new Promise<void>((resolve) => {
            idle = resolve;
          }),
        );
        idle = undefined;
      }
      accepting = false; // anything later stays unacknowledged: redelivered to the resumed session
    },
    async close(closeOptions = {}) {
      const disconnect =
        closeOptions.leave && protocolVersion === 5
          ? { properties: { sessionExpiryInterval: 0 } }
          : undefined;
      // A graceful end waits for the PUBACKs of our replies; a call refused after the drain stalls
      // mqtt.js's packet pipeline in front of them (it is never acknowledged, by design). So the wait is
      // bounded: then the socket is dropped, which the broker treats like any lost connection.
      await Promise.all(
        clients.map((c) => {
          let timer: NodeJS.Timeout | undefined;
          return Promise.race([
            c.endAsync(false, disconnect),
            new Promise<void>((resolve) => {
              timer = setTimeout(() => {
                (c.stream as unknown as Duplex | undefined)?.destroy();
                resolve();
              }, CLOSE_WAIT_MS);
            }),
          ]).finally(() => clearTimeout(timer));
        }),
      );
      clients.length = 0;
    },
  };
}

import { randomBytes } from "node:crypto";
import { SystemError } from "@sfn/contracts";
import { publish } from "../connection/broker-operations.js";
import type { MqttConnection } from "../connection/mqtt-connection.js";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";
import type { SafeLogger } from "../internal/logger.js";
import { parseTopicFilter } from "../internal/topic-filter.js";
import type { TopicListeners } from "./topic-listeners.js";

const PROBE_TIMEOUT_MS = 1_000;

/**
 * Knows whether the broker delivers `$share/` subscriptions. MQTT 5 brokers say so in CONNACK
 * (`sharedSubscriptionAvailable`); at MQTT 3.1.1 nothing says, and aedes 1.x grants the subscription
 * but treats it as a literal filter that never matches — so in "auto" mode one probe message is sent
 * through a `$share` subscription of the main connection the first time one is needed.
 */
export class SharedSubscriptionSupport {
  readonly #mode: "auto" | boolean;
  readonly #main: MqttConnection;
  readonly #listeners: TopicListeners;
  readonly #log: SafeLogger;
  readonly #prefix: string;
  #verdict: Promise<boolean> | undefined;

  constructor(
    mode: "auto" | boolean,
    main: MqttConnection,
    listeners: TopicListeners,
    log: SafeLogger,
    prefix: string,
  ) {
    this.#mode = mode;
    this.#main = main;
    this.#listeners = listeners;
    this.#log = log;
    this.#prefix = prefix;
  }

  supported(): Promise<boolean> {
    this.#verdict ??= this.#decide();
    return this.#verdict;
  }

  /** Throws SystemError SFN_SHARED_SUBSCRIPTION_UNSUPPORTED when `$share/` filters would stay silent. */
  async assertSupported(filter: string): Promise<void> {
    if (await this.supported()) return;
    throw new SystemError(
      `the broker does not deliver shared subscriptions ('${filter}'); use a broker with $share support or a plain filter`,
      { code: MessagingErrorCodes.sharedSubscriptionUnsupported, retryable: false, details: { filter } },
    );
  }

  async #decide(): Promise<boolean> {
    if (typeof this.#mode === "boolean") return this.#mode;
    if (this.#main.protocolVersion === 5) {
      const advertised = this.#main.sharedSubscriptionsAdvertised;
      if (!advertised) this.#log.warn("the broker's CONNACK says it has no shared subscriptions");
      return advertised;
    }
    const works = await this.#probe();
    if (works) this.#log.info("MQTT 3.1.1: the broker delivers $share/ subscriptions (probed)");
    else {
      this.#log.warn(
        "MQTT 3.1.1: the broker accepted a $share/ subscription but delivered nothing through it (probed); " +
          "shared subscriptions are disabled for this client",
      );
    }
    return works;
  }

  async #probe(): Promise<boolean> {
    const id = randomBytes(8).toString("hex");
    const topic = `${this.#prefix}sfn-probe/${id}`;
    let arrived!: () => void;
    const seen = new Promise<boolean>((resolve) => {
      arrived = () => resolve(true);
      setTimeout(() => resolve(false), PROBE_TIMEOUT_MS).unref();
    });
    const filter = parseTopicFilter(`$share/sfn-probe-${id}/${topic}`);
    let leave: (() => void) | undefined;
    try {
      leave = await this.#listeners.listen(filter, 1, () => arrived());
      await publish(this.#main, topic, Buffer.from("probe"), { qos: 1 });
      return await seen;
    } catch (error) {
      this.#log.warn("shared-subscription probe failed", { error: String(error) });
      return false;
    } finally {
      leave?.();
    }
  }
}

import { startPrivateBroker as startTestkitBroker } from "@sfn/testkit";

/**
 * The broker a language's runtime under test talks to. By default a Mosquitto of the runner's own
 * (@sfn/testkit's private broker: the fixture's binary and settings, persistence on, set_tcp_nodelay),
 * so that `restartBroker` never touches the shared fixture broker. With `--fixture external` it is the
 * broker of SFN_MQTT_URL, which the runner cannot restart.
 */
export interface Broker {
  url: string;
  /** false for an external broker: restartBroker steps are then reported as failures with the reason. */
  restartable: boolean;
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPrivateBroker(): Promise<Broker> {
  const broker = await startTestkitBroker({ dirPrefix: "sfn-conformance-broker-" });
  return {
    url: broker.url,
    restartable: true,
    restart: () => broker.restart(),
    dispose: () => broker.dispose(),
  };
}

export function externalBroker(url: string): Broker {
  return {
    url,
    restartable: false,
    restart: () =>
      Promise.reject(new Error("restartBroker needs the runner's own broker (not --fixture external)")),
    dispose: () => Promise.resolve(),
  };
}

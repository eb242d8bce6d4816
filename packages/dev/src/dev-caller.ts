import {
  asReplyBody,
  type Envelope,
  type Subscription,
  serviceTopic,
  type UserContext,
  ValidationError,
} from "@sfn/contracts";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { findFixtureUser, JWT_RESOURCE, mintToken, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from "@sfn/testkit";

/** Where a dev session (or any sfn deployment with the fixture issuer) is reachable. */
export interface DevEndpoints {
  mqttUrl: string;
  /** 4 = MQTT 3.1.1 (the embedded aedes), 5 = MQTT 5. */
  mqttProtocolVersion: 4 | 5;
  /** The dev (or fixture) OIDC issuer that mints tokens for the fixture users. */
  issuer: string;
}

export interface DevCallOptions {
  /** Fixture user to call as (alice, bob, carol, mallory); omitted = no token. */
  as?: string;
  /** Milliseconds; default 10 s. */
  timeoutMs?: number;
  /** Reuse a callId, e.g. to show that a duplicate is answered from the stored reply. */
  callId?: string;
  signal?: AbortSignal;
}

export interface DevCallResult {
  callId: string;
  /** The reply's `result`. */
  result: unknown;
  reply: Envelope;
}

/**
 * Calls functions of running services as a fixture user: mints the user's token at the dev issuer,
 * sends the call over @sfn/messaging and resolves with the result; an error reply rejects with the typed
 * error (ValidationError, Forbidden, …) carrying the remote code and details.
 */
export class DevCaller {
  readonly #client: MessagingClient;
  readonly #endpoints: DevEndpoints;
  readonly #users = new Map<string, Promise<UserContext>>();

  private constructor(client: MessagingClient, endpoints: DevEndpoints) {
    this.#client = client;
    this.#endpoints = endpoints;
  }

  static async connect(endpoints: DevEndpoints): Promise<DevCaller> {
    const client = await createMessagingClient({
      url: endpoints.mqttUrl,
      protocolVersion: endpoints.mqttProtocolVersion,
      clientId: `sfn-call-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    });
    return new DevCaller(client, endpoints);
  }

  /** The UserContext (with a freshly minted token) of a fixture user; cached per user. */
  userContext(name: string): Promise<UserContext> {
    let user = this.#users.get(name);
    if (!user) {
      const fixtureUser = findFixtureUser(name);
      if (fixtureUser === undefined) {
        return Promise.reject(
          new ValidationError(`unknown user '${name}': the dev issuer knows alice, bob, carol and mallory`, {
            details: { user: name },
          }),
        );
      }
      user = mintToken(fixtureUser.username, {
        issuer: this.#endpoints.issuer,
        clientId: TEST_CLIENT_ID,
        clientSecret: TEST_CLIENT_SECRET,
        resource: JWT_RESOURCE,
      }).then((token) => ({
        userId: fixtureUser.id,
        email: fixtureUser.email,
        roles: [...fixtureUser.roles],
        groups: [...fixtureUser.groups],
        token,
      }));
      user.catch(() => this.#users.delete(name));
      this.#users.set(name, user);
    }
    return user;
  }

  async call(
    service: string,
    fn: string,
    parameters: Record<string, unknown> = {},
    options: DevCallOptions = {},
  ): Promise<DevCallResult> {
    const user: UserContext =
      options.as === undefined
        ? { userId: "anonymous", roles: [], groups: [] }
        : await this.userContext(options.as);
    const messaging = this.#client.createMessaging(user);
    const reply = await messaging.sendAndWait(
      serviceTopic(service),
      { function: fn, parameters },
      options.timeoutMs ?? 10_000,
      { callId: options.callId, signal: options.signal },
    );
    return { callId: reply.callId ?? "", result: asReplyBody(reply).result, reply };
  }

  /** Delivers every message on a topic (e.g. the notifications a function sends); resolves once subscribed. */
  async subscribe(topic: string, onMessage: (message: Envelope) => void): Promise<Subscription> {
    const messaging = this.#client.createMessaging({ userId: "anonymous", roles: [], groups: [] });
    return messaging.subscribe(topic, (message) => onMessage(message));
  }

  close(): Promise<void> {
    return this.#client.close();
  }
}

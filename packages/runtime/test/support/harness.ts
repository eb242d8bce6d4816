import { randomBytes } from "node:crypto";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, type Envelope, type ErrorInfo } from "@sfn/contracts";
import { createDataStoreFactory, type PostgresDataStoreFactory } from "@sfn/datastore";
import {
  createServiceHost,
  type ServiceHost,
  type ServiceHostOptions,
  silentLogger,
} from "../../src/index.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { notesService } from "./notes-service.js";
import { RawCaller } from "./raw-caller.js";

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the testkit global setup sets it)`);
  return value;
}

export function uniqueName(stem: string): string {
  return `${stem}${randomBytes(4).toString("hex")}`;
}

/** One isolated world: own database, own service name and topic prefix, an in-process host, a raw caller. */
export interface Harness {
  name: string;
  prefix: string;
  db: TestDatabase;
  dataStores: PostgresDataStoreFactory;
  host: ServiceHost;
  caller: RawCaller;
  serviceTopic: string;
  call(fn: string, parameters: Record<string, unknown>, init?: CallInit): Promise<Envelope>;
  envelope(fn: string, parameters: Record<string, unknown>, init?: CallInit): Envelope;
  close(): Promise<void>;
}

export interface CallInit {
  token?: string | null;
  callId?: string;
  timeoutMs?: number;
}

export async function startHarness(
  tokenOf: () => string,
  options:
    | Partial<ServiceHostOptions>
    | ((world: {
        name: string;
        prefix: string;
        db: TestDatabase;
      }) => Partial<ServiceHostOptions> | Promise<Partial<ServiceHostOptions>>) = {},
): Promise<Harness> {
  const name = uniqueName("Notes");
  const prefix = `rt-${name}`;
  const db = await createTestDatabase();
  const extra = typeof options === "function" ? await options({ name, prefix, db }) : options;
  const dataStores = createDataStoreFactory({
    connectionString: db.url,
    database: "app",
    maxConnections: 16,
  });
  const authenticator = await createAuthenticator(env("SFN_OIDC_ISSUER"), {
    audience: env("SFN_OIDC_AUDIENCE"),
    allowInsecureRequests: true,
  });
  const host = createServiceHost({
    service: notesService(name),
    mqttUrl: env("SFN_MQTT_URL"),
    topicPrefix: prefix,
    replicaId: "t",
    concurrency: 8,
    authenticator,
    dataStores,
    logger: silentLogger,
    validateOutput: true,
    config: { service: name, prefix },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
  await host.start();
  const caller = new RawCaller(prefix);
  await caller.connect(env("SFN_MQTT_URL"));
  const serviceTopic = `${prefix}/service/${name}`;
  const envelope = (fn: string, parameters: Record<string, unknown>, init: CallInit = {}) => {
    const token = init.token === undefined ? tokenOf() : init.token;
    return createCallEnvelope({
      function: fn,
      parameters,
      replyTo: caller.replyTo,
      callId: init.callId,
      timeoutMs: init.timeoutMs ?? 20_000,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
  };
  return {
    name,
    prefix,
    db,
    dataStores,
    host,
    caller,
    serviceTopic,
    envelope,
    async call(fn, parameters, init) {
      const env = envelope(fn, parameters, init);
      await caller.publish(serviceTopic, JSON.stringify(env));
      return caller.waitFor(env.callId!);
    },
    async close() {
      await caller.close();
      await host.stop({ leave: true });
      await dataStores.close();
      await db.drop();
    },
  };
}

export function errorOf(reply: Envelope): ErrorInfo | undefined {
  return (reply.body as { error?: ErrorInfo }).error;
}

export function resultOf(reply: Envelope): unknown {
  return (reply.body as { result?: unknown }).result;
}

import { RESOURCE_CLIENT_ID, RESOURCE_CLIENT_SECRET } from "@sfn/testkit";
import type { Broker } from "../env/broker.js";
import type { PrivateIssuer } from "../env/issuer.js";
import { LaneDatabase } from "../env/lane-database.js";
import { freePort } from "../env/ports.js";
import { RuntimeProcess } from "../env/runtime-process.js";
import type { ProtocolLevel, RuntimeSpec, UserName } from "../model.js";
import type { TokenVector } from "../tokens/vectors.js";
import { DEFAULT_MAX_PAYLOAD_BYTES, type Lane } from "./lane.js";
import { LaneMqtt } from "./lane-mqtt.js";

const USERS: UserName[] = ["alice", "bob", "carol", "mallory"];

export interface LanePlace {
  runId: string;
  repoRoot: string;
  spec: RuntimeSpec;
  broker: Broker;
  issuer: PrivateIssuer;
  databaseUrl: string;
  pool: import("pg").Pool;
  vectors: ReadonlyMap<string, TokenVector>;
  /** Extra environment for the runtime (e.g. SFN_CONFORMANCE_BREAK of the suite's own tests). */
  runtimeEnv: Readonly<Record<string, string>>;
}

/**
 * Opens a lane: its view schema, the runner's MQTT clients, and the runtime launched as
 * runtimes/<lang>.json says with the run variables (README, "Add a language").
 */
export async function openLane(
  place: LanePlace,
  name: string,
  level: ProtocolLevel,
  profiles: readonly string[],
): Promise<Lane> {
  const { spec, runId } = place;
  const id = `${runId}_${spec.language}_${name}`.replace(/[^A-Za-z0-9_]/g, "_").toLowerCase();
  const prefix = `sfnconf/${runId}/${spec.language}/${name}`;
  const httpPort = await freePort();
  const vars: Record<string, string> = {
    SFN_MQTT_URL: place.broker.url,
    SFN_DATABASE_URL: place.databaseUrl,
    SFN_OIDC_ISSUER: place.issuer.issuer,
    SFN_OIDC_AUDIENCE: place.issuer.audience,
    SFN_OIDC_RESOURCE_CLIENT_ID: RESOURCE_CLIENT_ID,
    SFN_OIDC_RESOURCE_CLIENT_SECRET: RESOURCE_CLIENT_SECRET,
    RUN_TOPIC_PREFIX: prefix,
    RUN_DATABASE: `c${id}`,
    RUN_HTTP_PORT: String(httpPort),
    RUN_REPLICA_ID: `conformance-${spec.language}-${name}-${runId}`,
    RUN_MQTT_PROTOCOL: level === 5 ? "5" : "3.1.1",
  };
  const extra: Record<string, string> = {};
  for (const profile of profiles) Object.assign(extra, spec.profiles?.[profile] ?? {});
  Object.assign(extra, place.runtimeEnv);

  const db = new LaneDatabase(place.pool, vars.RUN_DATABASE as string);
  await db.createViews();
  const tokens = new Map<UserName, string>();
  for (const user of USERS) tokens.set(user, await place.issuer.userToken(user));
  const mqtt = await LaneMqtt.open(place.broker.url, `${prefix}/`, id, level);
  const runtime = new RuntimeProcess(spec, place.repoRoot, vars, extra);
  try {
    await runtime.launch();
  } catch (error) {
    await mqtt.close();
    await db.dispose();
    throw error;
  }
  return {
    name,
    language: spec.language,
    level,
    profile: profiles.join(",") || undefined,
    prefix,
    mqtt,
    db,
    runtime,
    broker: place.broker,
    issuer: place.issuer,
    tokens,
    vectors: place.vectors,
    maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
  };
}

export async function closeLane(lane: Lane): Promise<void> {
  await lane.runtime.stop().catch(() => {});
  await lane.mqtt.close().catch(() => {});
  await lane.db.dispose().catch(() => {});
}

import type { Broker } from "../env/broker.js";
import type { PrivateIssuer } from "../env/issuer.js";
import type { LaneDatabase } from "../env/lane-database.js";
import type { RuntimeProcess } from "../env/runtime-process.js";
import type { ProtocolLevel, UserName } from "../model.js";
import type { TokenVector } from "../tokens/vectors.js";
import type { LaneMqtt } from "./lane-mqtt.js";

/** The default maxPayloadBytes of protocol.md §10 (1 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/**
 * One isolated place to run cases of one language: its own runtime process (replica), topic prefix,
 * logical database with its view schema, and the runner's MQTT clients at one protocol level. Cases on
 * a lane run one at a time; lanes of a language share its private broker and issuer.
 */
export interface Lane {
  name: string;
  language: string;
  level: ProtocolLevel;
  /** Capability profile the runtime was launched with (runtimes/<lang>.json `profiles`), if any. */
  profile: string | undefined;
  /** RUN_TOPIC_PREFIX, without the trailing `/`. */
  prefix: string;
  mqtt: LaneMqtt;
  db: LaneDatabase;
  runtime: RuntimeProcess;
  broker: Broker;
  issuer: PrivateIssuer;
  /** JWTs minted before the first case, so that cases with the issuer stopped still have them. */
  tokens: ReadonlyMap<UserName, string>;
  vectors: ReadonlyMap<string, TokenVector>;
  maxPayloadBytes: number;
}

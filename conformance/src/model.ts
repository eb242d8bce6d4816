/** The data model of a case (schema/case.schema.json), a runtime launch and a capability file. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type UserName = "alice" | "bob" | "carol" | "mallory";
export type ProtocolLevel = 4 | 5;

export interface CollectionSeed {
  name: string;
  policy?: "owner" | "shared" | "private";
  auditReads?: boolean;
  schema?: JsonObject;
}

export interface GrantSeed {
  user?: UserName;
  role?: string;
  collection?: string;
  permissions: string[];
}

export interface DocumentSeed {
  ref?: string;
  collection: string;
  owner: UserName;
  data: JsonObject;
}

export interface Given {
  users?: UserName[];
  database?: string;
  collections?: CollectionSeed[];
  grants?: GrantSeed[];
  documents?: DocumentSeed[];
}

export interface CallStep {
  step: "call";
  ref?: string;
  function: string;
  parameters: JsonObject;
  as?: UserName;
  token?: string;
  callId?: string;
  headers?: Record<string, string>;
  deadlineOffsetMs?: number;
  timeoutMs?: number;
  repeat?: number;
  await?: boolean;
  retries?: number;
}

export interface PublishRawStep {
  step: "publishRaw";
  ref?: string;
  topic: string;
  utf8?: string;
  base64?: string;
  json?: Json;
  padToBytes?: number | "maxPayloadBytes+1";
  properties?: {
    responseTopic?: string;
    correlationData?: string;
    contentType?: string;
    messageExpiryInterval?: number;
    userProperties?: Record<string, string>;
  };
}

export interface WaitForMessageStep {
  step: "waitForMessage";
  ref?: string;
  topic: string;
  timeoutMs: number;
}

export interface QueryDatabaseStep {
  step: "queryDatabase";
  ref: string;
  view: "documents" | "audit_log" | "processed_calls" | "grants";
  sql: string;
  params?: Json[];
}

export interface KillRuntimeStep {
  step: "killRuntime";
  signal?: "SIGKILL" | "SIGTERM";
  waitForExit?: boolean;
}

export interface SimpleStep {
  step: "restartRuntime" | "restartBroker" | "stopIssuer" | "startIssuer";
}

export interface WaitStep {
  step: "wait";
  ms: number;
}

export type Step =
  | CallStep
  | PublishRawStep
  | WaitForMessageStep
  | QueryDatabaseStep
  | KillRuntimeStep
  | SimpleStep
  | WaitStep;

export interface ErrorExpectation {
  type: string;
  code: string;
  retryable?: boolean | "$absent";
  details?: Json;
}

export interface ReplyExpectation {
  to: string;
  result?: Json;
  error?: ErrorExpectation;
  none?: true;
  withinMs?: number;
  count?: number;
  envelope?: JsonObject;
  properties?: JsonObject;
}

export interface DatabaseExpectation {
  query: string;
  rows?: Json[];
  rowCount?: number;
}

export interface MessageExpectation {
  topic: string;
  count?: number;
  envelope?: JsonObject;
  properties?: JsonObject;
  qos?: 0 | 1 | 2;
  retain?: boolean;
  chunked?: boolean;
  transfer?: { totalLength?: number; sha256?: string; frames?: number };
  distinct?: string[];
}

export interface Then {
  replies?: ReplyExpectation[];
  database?: DatabaseExpectation[];
  messages?: MessageExpectation[];
  runtime?: { alive?: boolean; exitCode?: number };
}

export interface Case {
  id: string;
  summary: string;
  rules: string[];
  references?: string[];
  requires: string[];
  fixtures: string[];
  protocolLevels?: ProtocolLevel[];
  given?: Given;
  when: Step[];
  then: Then;
}

export interface CommandSpec {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface RuntimeSpec {
  language: string;
  status: "planned" | "available";
  description?: string;
  workdir: string;
  entrypoint: string;
  build: CommandSpec[];
  launch: CommandSpec & {
    readiness: { url: string; timeoutMs: number; intervalMs?: number };
    shutdown: { signal: "SIGTERM" | "SIGINT"; graceMs: number };
  };
  profiles?: Record<string, Record<string, string>>;
}

export interface ExpectedFailure {
  case: string;
  reason: string;
  tracking?: string;
}

export interface CapabilitySpec {
  language: string;
  runtime: string;
  protocolVersion: string;
  capabilities: string[];
  expectedFailures: ExpectedFailure[];
  notes?: string;
}

/** The outcome of one case for one language. */
export type CaseState = "pass" | "FAIL" | "skip" | "xfail" | "XPASS";

export interface CaseResult {
  id: string;
  language: string;
  state: CaseState;
  /** Why: the first mismatches (FAIL, xfail), the missing capability (skip), the expected-failure reason. */
  reason?: string;
  /** Every mismatch found, for the reports. */
  failures: string[];
  /** Observations that are not failures (calls the runner had to re-send, …). */
  notes: string[];
  durationMs: number;
  /** The MQTT levels the case ran at. */
  levels: ProtocolLevel[];
}

import { parseArgs } from "node:util";
import { type CallBody, SfnError, ValidationError } from "@sfn/contracts";
import { createMessagingClient } from "@sfn/messaging";
import { createClient } from "../client/create-client.js";
import { openDatabase } from "../host/open-database.js";
import {
  ensureDeadLetterTable,
  getDeadLetter,
  listDeadLetters,
  markReplayed,
  type StoredDeadLetter,
} from "./dead-letter-store.js";

export const dlqUsage = `usage: sfn dlq list [--service S] [--limit N] [--pending] [--json]
       sfn dlq show <id>
       sfn dlq replay <id> [--token JWT] [--timeout MS]

  list     dead letters, newest first (--pending: leave out those replayed successfully)
  show     one dead letter as JSON: the envelope (token removed), caller, error, attempts, replays
  replay   re-send the call (same function, parameters and callId) to service/{service} and wait for
           the reply; the original token was removed, so pass one (--token or SFN_TOKEN) for
           authenticated functions. Exit 0 when the replay succeeded, 1 on an error reply.

Settings: SFN_DATABASE_URL (or --url), and for replay SFN_MQTT_URL, SFN_MQTT_PROTOCOL, SFN_TOPIC_PREFIX.
`;

export interface DlqIo {
  out(text: string): void;
  err(text: string): void;
}

type Env = Record<string, string | undefined>;

function setting(env: Env, name: string, given: string | undefined): string {
  const value = given ?? env[name];
  if (!value) throw new ValidationError(`missing setting ${name}`, { details: { setting: name } });
  return value;
}

function summary(letter: StoredDeadLetter): string {
  const replay =
    letter.replayCount === 0
      ? "not replayed"
      : `replayed ${letter.replayCount}x, last ${(letter.lastReplay as { status?: string })?.status ?? "?"}`;
  return [
    letter.id.padStart(6),
    letter.failedAt,
    `${letter.service}.${letter.function}`,
    `${letter.error.type}/${letter.error.code ?? "-"}`,
    `attempts ${letter.attempts}`,
    `caller ${letter.subject ?? "anonymous"}`,
    replay,
  ].join("  ");
}

/** `sfn dlq …`; resolves with the exit code (0 ok, 1 failed replay or unknown id, 2 usage). */
export async function runDlqCommand(argv: string[], io: DlqIo, env: Env = process.env): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    (verb === undefined ? io.err : io.out)(dlqUsage);
    return verb === undefined ? 2 : 0;
  }
  if (!["list", "show", "replay"].includes(verb)) {
    io.err(`sfn dlq: unknown command '${verb}'\n\n${dlqUsage}`);
    return 2;
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    io.err(`sfn dlq: ${(error as Error).message}\n\n${dlqUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (verb !== "list" && positionals.length !== 1) {
    io.err(`sfn dlq ${verb} needs one dead-letter id\n\n${dlqUsage}`);
    return 2;
  }
  const database = await openDatabase({ url: setting(env, "SFN_DATABASE_URL", values.url), database: "app" });
  const driver = database.driver;
  try {
    await ensureDeadLetterTable(driver);
    if (verb === "list") {
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        io.err("sfn dlq list: --limit must be a positive integer\n");
        return 2;
      }
      const letters = await listDeadLetters(driver, {
        service: values.service,
        limit,
        pending: values.pending,
      });
      if (values.json) io.out(`${JSON.stringify(letters, null, 2)}\n`);
      else io.out(letters.length === 0 ? "no dead letters\n" : `${letters.map(summary).join("\n")}\n`);
      return 0;
    }
    const id = positionals[0]!;
    const letter = await getDeadLetter(driver, id);
    if (!letter) {
      io.err(`sfn dlq: no dead letter ${id}\n`);
      return 1;
    }
    if (verb === "show") {
      io.out(`${JSON.stringify(letter, null, 2)}\n`);
      return 0;
    }
    return await replay(letter, values, env, io, (outcome) => markReplayed(driver, id, outcome));
  } finally {
    await database.close();
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      service: { type: "string" },
      limit: { type: "string" },
      pending: { type: "boolean" },
      json: { type: "boolean" },
      url: { type: "string" },
      token: { type: "string" },
      timeout: { type: "string" },
      mqtt: { type: "string" },
    },
  });
}

async function replay(
  letter: StoredDeadLetter,
  values: ReturnType<typeof parse>["values"],
  env: Env,
  io: DlqIo,
  record: (outcome: unknown) => Promise<void>,
): Promise<number> {
  const timeoutMs = values.timeout === undefined ? 30_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    io.err("sfn dlq replay: --timeout must be a positive integer (ms)\n");
    return 2;
  }
  const protocol = env.SFN_MQTT_PROTOCOL === "3.1.1" || env.SFN_MQTT_PROTOCOL === "4" ? 4 : 5;
  const prefix = env.SFN_TOPIC_PREFIX || undefined;
  const client = await createMessagingClient({
    url: setting(env, "SFN_MQTT_URL", values.mqtt),
    protocolVersion: protocol,
    topicPrefix: prefix,
    logger: { warn() {}, error() {} } as never,
  });
  const token = values.token ?? env.SFN_TOKEN;
  try {
    const messaging = client.createMessaging({
      userId: letter.subject ?? "anonymous",
      roles: [],
      groups: [],
      ...(token ? { token } : {}),
    });
    const service = createClient(messaging, letter.service, { topicPrefix: prefix, timeoutMs });
    const body = letter.envelope.body as CallBody;
    try {
      const result = await service[body.function]!(body.parameters as Record<string, unknown>, {
        callId: letter.envelope.callId,
      });
      await record({ status: "success", result, at: new Date().toISOString() });
      io.out(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    } catch (error) {
      if (!SfnError.isInstance(error)) throw error;
      const info = error.toErrorInfo();
      await record({ status: "error", error: info, at: new Date().toISOString() });
      io.err(`${info.type} ${info.code ?? ""}: ${info.message}\n`);
      return 1;
    }
  } finally {
    await client.close();
  }
}

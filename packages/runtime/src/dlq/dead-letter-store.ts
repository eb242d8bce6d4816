import type { DeadLetter, Envelope, ErrorInfo } from "@sfn/contracts";
import type { SqlDriver, SqlExecutor } from "@sfn/datastore";

/**
 * The dead-letter table, beside the `dlq/{service}` topic: dead letters stay inspectable and re-drivable
 * (`sfn dlq list|show|replay`) after the topic's subscribers have gone. The runtime creates it on start
 * (idempotent, under an advisory lock) in a schema of its own, `sfn_runtime`.
 */
const DDL = `
CREATE SCHEMA IF NOT EXISTS sfn_runtime;
CREATE TABLE IF NOT EXISTS sfn_runtime.dead_letters (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service      text        NOT NULL,
  function     text        NOT NULL,
  call_id      text,
  subject      text,
  topic        text        NOT NULL,
  attempts     integer     NOT NULL,
  error        jsonb       NOT NULL,
  envelope     jsonb       NOT NULL,
  failed_at    timestamptz NOT NULL,
  replay_count integer     NOT NULL DEFAULT 0,
  replayed_at  timestamptz,
  last_replay  jsonb
);
CREATE INDEX IF NOT EXISTS dead_letters_by_service ON sfn_runtime.dead_letters (service, id DESC);
`;

/** One row: the DeadLetter message plus who called (`subject`), where, and what replays did. */
export interface StoredDeadLetter extends DeadLetter {
  id: string;
  callId: string | null;
  /** The caller's user id (the token's subject), null for anonymous calls. */
  subject: string | null;
  /** The topic the call arrived on. */
  topic: string;
  replayCount: number;
  replayedAt: string | null;
  /** The reply (or error) of the last replay. */
  lastReplay: unknown;
}

export async function ensureDeadLetterTable(driver: SqlDriver): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('sfn_runtime.dead_letters', 0))");
    await tx.exec(DDL);
  });
}

export async function insertDeadLetter(
  db: SqlExecutor,
  letter: DeadLetter & { subject: string | null; topic: string },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO sfn_runtime.dead_letters
       (service, function, call_id, subject, topic, attempts, error, envelope, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9) RETURNING id::text AS id`,
    [
      letter.service,
      letter.function,
      letter.envelope.callId ?? null,
      letter.subject,
      letter.topic,
      letter.attempts,
      JSON.stringify(letter.error),
      JSON.stringify(letter.envelope),
      letter.failedAt,
    ],
  );
  return row!.id;
}

interface Row {
  id: string;
  service: string;
  function: string;
  call_id: string | null;
  subject: string | null;
  topic: string;
  attempts: number;
  error: ErrorInfo;
  envelope: Envelope;
  failed_at: Date | string;
  replay_count: number;
  replayed_at: Date | string | null;
  last_replay: unknown;
}

const iso = (value: Date | string | null) =>
  value === null ? null : value instanceof Date ? value.toISOString() : new Date(value).toISOString();

function fromRow(row: Row): StoredDeadLetter {
  return {
    id: row.id,
    service: row.service,
    function: row.function,
    callId: row.call_id,
    subject: row.subject,
    topic: row.topic,
    attempts: Number(row.attempts),
    error: row.error,
    envelope: row.envelope,
    failedAt: iso(row.failed_at)!,
    replayCount: Number(row.replay_count),
    replayedAt: iso(row.replayed_at),
    lastReplay: row.last_replay,
  };
}

const COLUMNS =
  "id::text AS id, service, function, call_id, subject, topic, attempts, error, envelope, failed_at, replay_count, replayed_at, last_replay";

/** Newest first; `service` filters, `pending` leaves out letters replayed successfully. */
export async function listDeadLetters(
  db: SqlExecutor,
  options: { service?: string; limit?: number; pending?: boolean } = {},
): Promise<StoredDeadLetter[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM sfn_runtime.dead_letters
     WHERE ($1::text IS NULL OR service = $1)
       AND (NOT $2 OR coalesce(last_replay->>'status', '') <> 'success')
     ORDER BY id DESC LIMIT $3`,
    [options.service ?? null, options.pending === true, options.limit ?? 50],
  );
  return rows.map(fromRow);
}

export async function getDeadLetter(db: SqlExecutor, id: string): Promise<StoredDeadLetter | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM sfn_runtime.dead_letters WHERE id = $1`, [id]);
  return row ? fromRow(row) : undefined;
}

export async function markReplayed(db: SqlExecutor, id: string, outcome: unknown): Promise<void> {
  await db.query(
    `UPDATE sfn_runtime.dead_letters
     SET replay_count = replay_count + 1, replayed_at = clock_timestamp(), last_replay = $2::jsonb
     WHERE id = $1`,
    [id, JSON.stringify(outcome)],
  );
}

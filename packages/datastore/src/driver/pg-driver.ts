import { abortError, throwIfAborted } from "@sfn/contracts";
import pg from "pg";
import { AuditAfterRollback } from "../audit/audit-after-rollback.js";
import { errorFromDriver, runCallback, transactionError } from "../errors/map-error.js";
import type { QueryOptions, SqlDriver, SqlExecutor, SqlStatement } from "./sql-driver.js";

export interface PgDriverOptions {
  /** An existing pool (not closed by the driver), or a connection string to open one. */
  pool?: pg.Pool;
  connectionString?: string;
  /** Size of a pool the driver opens; default 10. */
  maxConnections?: number;
  /**
   * Connections a pool the driver opens keeps once it has them, however long they sit idle; default 2
   * (at most `maxConnections`). Without them the first calls after a quiet spell of 10 s pay a new
   * connection each, and every new session compiles the sfn PL/pgSQL functions again: tens of ms.
   */
  minConnections?: number;
  /** Server-side statement_timeout of a pool the driver opens, in ms; a timeout raises TimeoutError. */
  statementTimeoutMs?: number;
}

/** A driver on node-postgres. Production connections should log in as a member of `sfn_app`. */
export function pgDriver(options: PgDriverOptions): SqlDriver {
  const owned = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      min: Math.min(options.minConnections ?? 2, options.maxConnections ?? 10),
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      ...(options.statementTimeoutMs === undefined ? {} : { statement_timeout: options.statementTimeoutMs }),
    });
  if (owned) {
    pool.on("error", () => {}); // idle-client errors surface on the next query instead
    // Idle connections close after 10–40 s, not all after 10 s: a burst leaves many of them idle at the
    // same instant, and their backends exiting together held up the calls still running for ~60 ms on
    // the 2-core test machine (the runtime's p99 at 1,000 de-duplicated calls/s: ~35 ms). pg-pool reads
    // the option when it arms a released client's idle timer, right after this event.
    pool.on("release", () => {
      pool.options.idleTimeoutMillis = IDLE_TIMEOUT_MS * (1 + 3 * Math.random());
    });
  }
  return {
    kind: "pg",
    async query(text, params, queryOptions) {
      throwIfAborted(queryOptions?.signal);
      const client = await pool.connect().catch((e: unknown) => Promise.reject(errorFromDriver(e)));
      try {
        return await runOnClient(client, pool, text, params, queryOptions);
      } finally {
        client.release();
      }
    },
    async exec(script) {
      await pool.query(script).catch((e: unknown) => Promise.reject(errorFromDriver(e)));
    },
    transaction(fn) {
      return inTransaction(pool, async (client, audit) => {
        await client.query("BEGIN");
        const result = await runCallback(() => fn(pgClientExecutor(client, pool, audit)));
        await client.query("COMMIT");
        return result;
      });
    },
    compactTransaction(first, fn) {
      return inTransaction(pool, async (client, audit) => {
        const opened = (await client.query(
          `BEGIN; ${inlined(client, first)}`,
        )) as unknown as pg.QueryResult[];
        const { value, last } = await runCallback(() =>
          fn(pgClientExecutor(client, pool, audit), (opened[1]?.rows ?? []) as never[]),
        );
        if (last === undefined) await client.query("COMMIT");
        else if (inlinedLength(last) > INLINE_LIMIT) {
          // Quoting a large value char by char costs more than the round trip it saves.
          await client.query(last.text, last.params as unknown[]);
          await client.query("COMMIT");
        } else await client.query(`${inlined(client, last)}; COMMIT`);
        return value;
      });
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}

/**
 * One pooled connection for `body`, which begins and commits the transaction itself: on any error it is
 * rolled back, the denials it held are audited again (sql/0012), and a connection that cannot even roll
 * back is discarded.
 */
async function inTransaction<T>(
  pool: pg.Pool,
  body: (client: pg.PoolClient, audit: AuditAfterRollback) => Promise<T>,
): Promise<T> {
  const client = await pool.connect().catch((e: unknown) => Promise.reject(errorFromDriver(e)));
  const audit = new AuditAfterRollback();
  let broken = false;
  try {
    return await body(client, audit);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    if (!broken) await audit.replay(pgClientExecutor(client, pool));
    throw transactionError(error);
  } finally {
    client.release(broken);
  }
}

const IDLE_TIMEOUT_MS = 10_000;

/** Above this many characters of string parameters, a statement is sent on its own (parameterised). */
const INLINE_LIMIT = 16 * 1024;

function inlinedLength(statement: SqlStatement): number {
  let n = 0;
  for (const p of statement.params) if (typeof p === "string") n += p.length;
  return n;
}

/** The statement with its `$n` parameters written in as SQL literals (pg's escapeLiteral for strings). */
function inlined(client: pg.ClientBase, statement: SqlStatement): string {
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = statement.params[Number(n) - 1];
    if (value === undefined) throw new TypeError(`statement parameter $${n} is missing`);
    if (value === null) return "NULL";
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new TypeError(`statement parameter $${n} is not a finite number`);
      return String(value);
    }
    return client.escapeLiteral(value);
  });
}

/**
 * An executor on one pg client, e.g. the runtime's client inside its own transaction: the DataStore then
 * joins that transaction. `pool` (or any config) lets an AbortSignal cancel a running statement.
 * Denials in a transaction the caller rolls back itself are not audited again; `driver.transaction`
 * does that.
 */
export function pgClientExecutor(
  client: pg.ClientBase,
  pool?: pg.Pool,
  /** @internal */ audit?: AuditAfterRollback,
): SqlExecutor {
  return {
    query: (text, params, options) => runOnClient(client, pool, text, params, options, audit),
    async exec(script) {
      await client.query(script).catch((e: unknown) => Promise.reject(errorFromDriver(e)));
    },
  };
}

async function runOnClient<Row>(
  client: pg.ClientBase,
  pool: pg.Pool | undefined,
  text: string,
  params: readonly unknown[] | undefined,
  options: QueryOptions | undefined,
  audit?: AuditAfterRollback,
): Promise<Row[]> {
  const signal = options?.signal;
  throwIfAborted(signal);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    void cancelBackend(client, pool);
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await client.query(text, params as unknown[] | undefined);
    audit?.observe(text, params, result.rows);
    return result.rows as Row[];
  } catch (error) {
    if (cancelled && signal) throw abortError(signal);
    throw errorFromDriver(error);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Asks the server to cancel the client's running statement, over a short-lived separate connection. */
async function cancelBackend(client: pg.ClientBase, pool: pg.Pool | undefined): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid === undefined || pool === undefined) return;
  const canceller = new pg.Client(pool.options);
  try {
    await canceller.connect();
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } catch {
    // best effort: the statement then simply runs to its end
  } finally {
    await canceller.end().catch(() => {});
  }
}

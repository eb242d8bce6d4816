import { randomBytes } from "node:crypto";
import { findFixtureUser } from "@sfn/testkit";
import type pg from "pg";
import type { Given, Json, UserName } from "../model.js";

/** The views a `queryDatabase` step may read, over the rows of one lane's logical database. */
export const VIEWS = ["documents", "audit_log", "processed_calls", "grants"] as const;

export class QueryRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryRejectedError";
  }
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export function userId(user: UserName): string {
  const found = findFixtureUser(user);
  if (!found) throw new Error(`unknown fixture user ${user}`);
  return found.id;
}

/**
 * A UUID version 7 whose timestamp is `ms`: seeded documents get increasing ids in the listed order,
 * like one insertMany (README, `given.documents`).
 */
export function uuidV7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Rejects anything but one SELECT over the lane's views (README, `queryDatabase`). */
export function checkSelect(sql: string): void {
  const text = sql.trim().replace(/;\s*$/, "");
  if (!/^SELECT\s/i.test(text)) throw new QueryRejectedError("queryDatabase runs one SELECT only");
  if (text.includes(";")) throw new QueryRejectedError("queryDatabase runs one statement only");
  if (/\b(sfn|pg_catalog|information_schema|public)\s*\./i.test(text)) {
    throw new QueryRejectedError(
      "queryDatabase reads the conformance views only (no schema-qualified names)",
    );
  }
}

/**
 * One lane's database side: its logical database (SFN_DATABASE of the runtime it launches) and a
 * schema of its own holding read-only views over that database's rows.
 */
export class LaneDatabase {
  readonly database: string;
  readonly schema: string;
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool, database: string) {
    this.#pool = pool;
    this.database = database;
    this.schema = `conf_${database}`;
  }

  async createViews(): Promise<void> {
    const db = literal(this.database);
    const s = this.schema;
    await this.#pool.query(`
      DROP SCHEMA IF EXISTS ${s} CASCADE;
      CREATE SCHEMA ${s};
      CREATE VIEW ${s}.documents AS
        SELECT id, collection, owner, data, created_at, updated_at FROM sfn.documents WHERE database = ${db};
      CREATE VIEW ${s}.audit_log AS
        SELECT id, seq, at, subject, token_id, call_id, trace_id, database, operation, collection,
               document_id, decision, reason
        FROM sfn.audit_log WHERE database = ${db};
      CREATE VIEW ${s}.processed_calls AS
        SELECT service AS service_name, call_id, reply, created_at, expires_at FROM sfn.processed_calls;
      CREATE VIEW ${s}.grants AS
        SELECT 'user' AS kind, user_id AS principal, nullif(collection, '') AS collection, permission, granted_by
          FROM sfn.user_permissions WHERE database = ${db}
        UNION ALL
        SELECT 'role', role, nullif(collection, ''), permission, granted_by
          FROM sfn.role_permissions WHERE database = ${db};
    `);
  }

  /** Removes the previous case's documents, collections and grants (audit rows stay: append-only chain). */
  async reset(): Promise<void> {
    await this.#transaction("BEGIN", async (client) => {
      for (const table of [
        "documents",
        "collections",
        "user_permissions",
        "role_permissions",
        "user_roles",
      ]) {
        await client.query(`DELETE FROM sfn.${table} WHERE database = $1`, [this.database]);
      }
    });
  }

  /** Seeds `given` through the owner's (bootstrap) path; returns the seeded documents' ids by ref. */
  async seed(given: Given | undefined): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (!given) return ids;
    await this.#transaction("BEGIN", async (client) => {
      const collections = new Map((given.collections ?? []).map((c) => [c.name, c]));
      for (const doc of given.documents ?? [])
        if (!collections.has(doc.collection)) collections.set(doc.collection, { name: doc.collection });
      for (const c of collections.values()) {
        await client.query(
          `INSERT INTO sfn.collections (database, name, policy, json_schema, audit_reads)
           VALUES ($1, $2, $3, $4, $5)`,
          [
            this.database,
            c.name,
            c.policy ?? "owner",
            c.schema === undefined ? null : JSON.stringify(c.schema),
            c.auditReads ?? false,
          ],
        );
      }
      for (const grant of given.grants ?? []) {
        const collection = grant.collection ?? "";
        for (const permission of grant.permissions) {
          if (grant.user !== undefined) {
            await client.query(
              `INSERT INTO sfn.user_permissions (database, collection, user_id, permission, granted_by)
               VALUES ($1, $2, $3, $4, 'sfn:bootstrap') ON CONFLICT DO NOTHING`,
              [this.database, collection, userId(grant.user), permission],
            );
          } else {
            await client.query(
              `INSERT INTO sfn.role_permissions (database, collection, role, permission, granted_by)
               VALUES ($1, $2, $3, $4, 'sfn:bootstrap') ON CONFLICT DO NOTHING`,
              [this.database, collection, grant.role, permission],
            );
          }
        }
      }
      const base = Date.now() - (given.documents?.length ?? 0) - 1000;
      for (const [i, doc] of (given.documents ?? []).entries()) {
        const id = uuidV7(base + i);
        await client.query(
          "INSERT INTO sfn.documents (id, database, collection, owner, data) VALUES ($1, $2, $3, $4, $5)",
          [id, this.database, doc.collection, userId(doc.owner), JSON.stringify(doc.data)],
        );
        if (doc.ref) ids.set(doc.ref, id);
      }
    });
    return ids;
  }

  /** One SELECT in a READ ONLY transaction whose search_path is the lane's view schema. */
  async select(sql: string, params: readonly Json[]): Promise<Record<string, Json>[]> {
    checkSelect(sql);
    return this.#transaction("BEGIN READ ONLY", async (client) => {
      await client.query(`SET LOCAL search_path = ${this.schema}`);
      const result = await client.query(sql, params as unknown[]);
      return JSON.parse(JSON.stringify(result.rows)) as Record<string, Json>[];
    });
  }

  /** `work` on one pooled connection between `begin` and COMMIT; ROLLBACK when it throws. */
  async #transaction<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async dispose(): Promise<void> {
    await this.reset().catch(() => {});
    await this.#pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`).catch(() => {});
  }
}

import {
  type DataStore,
  type Document,
  type DocumentInput,
  type OperationOptions,
  type Query,
  type QueryResult,
  SfnError,
  type UpdateOptions,
  type UserContext,
} from "@sfn/contracts";
import type { SqlDriver, SqlExecutor } from "../driver/sql-driver.js";
import type { CollectionConfig, CollectionConfigCache } from "./collection-config.js";
import { assertCollectionName, serialiseDocument, serialiseDocuments } from "./document-input.js";
import { SchemaValidators } from "./schema-validation.js";
import { type CallCorrelation, callerContext, callSfn, type SqlCallerContext } from "./sfn-call.js";

/** What a DataStore shares with its factory. */
export interface DataStoreShared {
  driver: SqlDriver;
  database: string;
  maxDocumentBytes: number;
  configs: CollectionConfigCache;
  validators: SchemaValidators;
}

export interface BindOptions extends CallCorrelation {
  /** Join this transaction (e.g. the runtime's) instead of running each operation in its own. */
  transaction?: SqlExecutor;
}

/**
 * The DataStore bound to one caller. Each method is one call of sfn.call (one statement, its own
 * transaction unless joined); the SQL checks the permission, applies row-level security and audits.
 */
export class PostgresDataStore implements DataStore {
  readonly #shared: DataStoreShared;
  /** For statements inside a transaction (joined, or one of our own with several statements). */
  readonly #ctx: SqlCallerContext;
  /** For an operation that is its own transaction. */
  readonly #alone: SqlCallerContext;
  readonly #joined: SqlExecutor | undefined;

  constructor(shared: DataStoreShared, user: UserContext, options: BindOptions = {}) {
    this.#shared = shared;
    this.#ctx = callerContext(user, shared.database, options, shared.maxDocumentBytes);
    this.#alone = { ...this.#ctx, standalone: true };
    this.#joined = options.transaction;
  }

  async insert(collection: string, document: DocumentInput, options?: OperationOptions): Promise<string> {
    const [id] = await this.insertMany(collection, [document], options);
    return id!;
  }

  async insertMany(
    collection: string,
    documents: readonly DocumentInput[],
    options?: OperationOptions,
  ): Promise<string[]> {
    assertCollectionName(collection);
    const serialised = serialiseDocuments(documents, this.#shared.maxDocumentBytes);
    const config = await this.#schemaConfig(collection, options);
    if (config?.jsonSchema != null) {
      documents.forEach((d, i) => {
        this.#shared.validators.assertValid(config.jsonSchema, d, i);
      });
    }
    // The documents are serialised once, above; the arguments are assembled around that text.
    const args = `{"collection":${JSON.stringify(collection)},"documents":${serialised}}`;
    const { ok } = await this.#call<string[]>("insert", args, options);
    return ok;
  }

  async update(
    collection: string,
    query: Query,
    document: DocumentInput,
    options?: UpdateOptions,
  ): Promise<number> {
    assertCollectionName(collection);
    serialiseDocument(document, this.#shared.maxDocumentBytes);
    const mode = options?.mode ?? "merge";
    const args = { collection, query, document, mode };
    const config = await this.#schemaConfig(collection, options);
    if (config?.jsonSchema == null) return (await this.#call<number>("update", args, options)).ok;
    if (mode === "replace") {
      this.#shared.validators.assertValid(config.jsonSchema, document);
      return (await this.#call<number>("update", args, options)).ok;
    }
    // A merge's result is known only after it ran: validate the changed documents before committing.
    return this.#inTransaction(async (tx) => {
      const { ok, reply } = await callSfn<number>(
        tx,
        this.#ctx,
        "update",
        { ...args, returnDocuments: true },
        options?.signal,
      );
      const changed = (reply.documents ?? []) as Record<string, unknown>[];
      changed.forEach((d, i) => {
        this.#shared.validators.assertValid(config.jsonSchema, SchemaValidators.applicationFields(d), i);
      });
      return ok;
    });
  }

  async delete(collection: string, query: Query, options?: OperationOptions): Promise<number> {
    assertCollectionName(collection);
    return (await this.#call<number>("delete", { collection, query }, options)).ok;
  }

  async query(
    collection: string,
    query: Query,
    page: number,
    pageSize: number,
    options?: OperationOptions,
  ): Promise<QueryResult> {
    assertCollectionName(collection);
    return (await this.#call<QueryResult>("query", { collection, query, page, pageSize }, options)).ok;
  }

  async getById(collection: string, id: string, options?: OperationOptions): Promise<Document | null> {
    assertCollectionName(collection);
    return (await this.#call<Document | null>("getById", { collection, id }, options)).ok;
  }

  /** The collection's configuration (defaults when it was never configured). */
  async collectionConfig(collection: string, options?: OperationOptions): Promise<CollectionConfig> {
    assertCollectionName(collection);
    return (await this.#call<CollectionConfig>("collectionConfig", { collection }, options)).ok;
  }

  /** Changes a collection's policy, schema, read auditing or size limit; needs admin on it. */
  async configureCollection(
    collection: string,
    config: CollectionConfig,
    options?: OperationOptions,
  ): Promise<CollectionConfig> {
    assertCollectionName(collection);
    const { ok } = await this.#call<CollectionConfig>("configureCollection", { collection, config }, options);
    this.#shared.configs.set(this.#configKey(collection), ok);
    return ok;
  }

  #call<T>(op: string, args: Record<string, unknown> | string, options?: OperationOptions) {
    const joined = this.#joined;
    if (joined !== undefined) return callSfn<T>(joined, this.#ctx, op, args, options?.signal);
    return callSfn<T>(this.#shared.driver, this.#alone, op, args, options?.signal);
  }

  async #schemaConfig(collection: string, options?: OperationOptions): Promise<CollectionConfig | undefined> {
    return this.#shared.configs.get(this.#configKey(collection), async () => {
      try {
        return await this.collectionConfig(collection, options);
      } catch {
        // An invalid name or a database problem surfaces from the operation itself, with its own error.
        return {};
      }
    });
  }

  #configKey(collection: string): string {
    return `${this.#shared.database}\u0000${collection}`;
  }

  /** A transaction of its own, or a savepoint inside the joined one. */
  async #inTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const joined = this.#joined;
    if (joined === undefined) return this.#shared.driver.transaction(fn);
    await joined.query("SAVEPOINT sfn_validated_update");
    try {
      const result = await fn(joined);
      await joined.query("RELEASE SAVEPOINT sfn_validated_update");
      return result;
    } catch (error) {
      // A denial wrote nothing but its audit row, which must stay.
      const release = SfnError.isInstance(error) && error.type === "Forbidden" ? "RELEASE" : "ROLLBACK TO";
      await joined.query(`${release} SAVEPOINT sfn_validated_update`);
      throw error;
    }
  }
}

import type { Document, Query, QueryResult, UserContext } from "../generated/wire-types.generated.js";
import type { OperationOptions } from "./common.js";

/** Application fields of a document; `id`, `createdAt`, `updatedAt` and `owner` are managed by the store. */
export type DocumentInput = Record<string, unknown>;

export interface UpdateOptions extends OperationOptions {
  /**
   * `merge` (default): apply the given fields as a JSON merge patch (RFC 7396; null deletes a field).
   * `replace`: the given fields become the whole application content.
   */
  mode?: "merge" | "replace";
}

/** Document storage bound to one caller: permission-checked, row-level secured and audited. */
export interface DataStore {
  insert(collection: string, document: DocumentInput, options?: OperationOptions): Promise<string>;
  insertMany(
    collection: string,
    documents: readonly DocumentInput[],
    options?: OperationOptions,
  ): Promise<string[]>;
  /** Returns the number of documents changed. */
  update(collection: string, query: Query, document: DocumentInput, options?: UpdateOptions): Promise<number>;
  /** Returns the number of documents deleted. */
  delete(collection: string, query: Query, options?: OperationOptions): Promise<number>;
  /** One page (one-based) of the matching documents and their total. */
  query(
    collection: string,
    query: Query,
    page: number,
    pageSize: number,
    options?: OperationOptions,
  ): Promise<QueryResult>;
  /** The document, or null when it does not exist or the caller may not see it. */
  getById(collection: string, id: string, options?: OperationOptions): Promise<Document | null>;
}

export interface DataStoreFactory {
  createDataStore(user: UserContext): DataStore;
}

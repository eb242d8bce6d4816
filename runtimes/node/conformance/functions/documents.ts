import { type Document, NotFoundError, type Query } from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";
import { dataStoreOf } from "./require.js";

export interface DocRef {
  collection: string;
  id: string;
}

const DEFAULT_PAGE_SIZE = 100;

/** A document that is absent or hidden by RLS: NotFound without a code, so SFN_NOT_FOUND (P-ERR-6). */
function found(document: Document | null, ref: DocRef): Document {
  if (document === null) {
    throw new NotFoundError(`document ${ref.id} not found in ${ref.collection}`, { details: ref });
  }
  return document;
}

/** createDoc, getDoc, queryDocs, updateDoc, deleteDoc: the DataStore as the caller, in the call's transaction. */
export const documentFunctions = {
  createDoc: async (p: { collection: string; data: Record<string, unknown> }, ctx: CallContext) => {
    const store = dataStoreOf(ctx);
    const id = await store.insert(p.collection, p.data, { signal: ctx.signal });
    return found(await store.getById(p.collection, id, { signal: ctx.signal }), {
      collection: p.collection,
      id,
    });
  },

  getDoc: async (p: DocRef, ctx: CallContext) =>
    found(await dataStoreOf(ctx).getById(p.collection, p.id, { signal: ctx.signal }), p),

  queryDocs: (p: { collection: string; query?: Query; page?: number; pageSize?: number }, ctx: CallContext) =>
    dataStoreOf(ctx).query(p.collection, p.query ?? {}, p.page ?? 1, p.pageSize ?? DEFAULT_PAGE_SIZE, {
      signal: ctx.signal,
    }),

  updateDoc: async (
    p: DocRef & { data: Record<string, unknown>; mode?: "merge" | "replace" },
    ctx: CallContext,
  ) => {
    const store = dataStoreOf(ctx);
    const changed = await store.update(p.collection, { filter: { id: p.id } }, p.data, {
      mode: p.mode ?? "merge",
      signal: ctx.signal,
    });
    if (changed === 0) found(null, p);
    return found(await store.getById(p.collection, p.id, { signal: ctx.signal }), p);
  },

  deleteDoc: async (p: DocRef, ctx: CallContext) => {
    const deleted = await dataStoreOf(ctx).delete(
      p.collection,
      { filter: { id: p.id } },
      { signal: ctx.signal },
    );
    return { deleted: deleted > 0 };
  },
};

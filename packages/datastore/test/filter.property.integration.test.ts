import type { Document, Query } from "@sfn/contracts";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataStoreFactory, type PostgresDataStore } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";
import { evaluate } from "./support/reference-evaluator.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

// Small domains so that filters actually hit documents; strings exercise code-point order.
const fields = ["a", "b", "c", "n.x", "n.y"] as const;
const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -1.5),
  fc.constantFrom("", "a", "ab", "b", "B", "é", "ä", "😀", "a😀"),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("x", "y"), scalar, { maxKeys: 2 }) },
);
const docArb = fc.record(
  {
    a: value,
    b: value,
    c: value,
    n: fc.oneof(fc.record({ x: value, y: value }, { requiredKeys: [] }), scalar),
  },
  { requiredKeys: [] },
);

const comparable = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom("", "a", "b", "é", "😀"));
const condition = fc.oneof(
  value,
  fc.record({ $eq: value }),
  fc.record({ $ne: value }),
  fc.record({ $gt: comparable }),
  fc.record({ $gte: comparable }),
  fc.record({ $lt: comparable }),
  fc.record({ $lte: comparable, $gt: comparable }),
  fc.record({ $in: fc.array(value, { maxLength: 4 }) }),
  fc.record({ $nin: fc.array(value, { maxLength: 4 }) }),
  fc.record({ $exists: fc.boolean() }),
  fc.record({ $contains: scalar }),
  fc.record({ $startsWith: fc.constantFrom("", "a", "é", "😀") }),
);
const leaf = fc.dictionary(fc.constantFrom(...fields), condition, { minKeys: 1, maxKeys: 2 });
const { filter } = fc.letrec((tie) => ({
  filter: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ $and: fc.array(tie("filter"), { maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie("filter"), { maxLength: 3 }) }),
    fc.record({ $not: tie("filter") }),
  ),
}));
const sort = fc.array(
  fc.record(
    { field: fc.constantFrom(...fields, "owner", "id"), direction: fc.constantFrom("asc", "desc") },
    { requiredKeys: ["field"] },
  ),
  { maxLength: 3 },
);

describe.each(backendNames)(
  "the filter language on %s agrees with the reference evaluator",
  (backendName) => {
    let backend: Backend;
    let alice: PostgresDataStore;

    beforeAll(async () => {
      backend = await openBackend(backendName);
      await seedGrants(backend.driver);
      alice = createDataStoreFactory({ driver: backend.driver, database: DATABASE }).createDataStore(
        users.alice,
      );
    });
    afterAll(async () => {
      await backend?.close();
    });

    async function stored(docs: Record<string, unknown>[]): Promise<Document[]> {
      await alice.delete("props", {});
      if (docs.length > 0) await alice.insertMany("props", docs);
      return (await alice.query("props", {}, 1, 1000)).items;
    }

    it("same documents, same order, same total", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(docArb, { maxLength: 30 }), filter, sort, async (docs, f, s) => {
          const all = await stored(docs);
          const query = { filter: f, sort: s } as Query;
          const expected = evaluate(all, query);
          const page = await alice.query("props", query, 1, 1000);
          expect(page.items.map((d) => d.id)).toEqual(expected);
          expect(page.total).toBe(expected.length);
        }),
        { numRuns: 150 },
      );
    });

    // Conjunctions of equalities, in the default order. With scalars these are the filters sfn._query_fast
    // (0017) answers as one jsonb containment (n.x and n.y nested into one object; n beside n.x can never
    // hold); with an array or an object (which containment alone matches more loosely: [] is contained in
    // every array) the general path must.
    it("equality conjunctions (the containment fast path) agree, page by page", async () => {
      const equal = fc.oneof(
        { weight: 4, arbitrary: scalar },
        { weight: 2, arbitrary: fc.constantFrom([], {}) },
        { weight: 1, arbitrary: value },
      );
      const equalities = fc.dictionary(fc.constantFrom("a", "b", "n", "n.x", "n.y"), equal, { maxKeys: 3 });
      await fc.assert(
        fc.asyncProperty(
          fc.array(docArb, { maxLength: 30 }),
          equalities,
          fc.constantFrom(undefined, null, []),
          fc.integer({ min: 1, max: 7 }),
          async (docs, f, s, size) => {
            const all = await stored(docs);
            const query = (s === undefined ? { filter: f } : { filter: f, sort: s }) as Query;
            const expected = evaluate(all, { filter: f } as Query);
            const ids: string[] = [];
            for (let page = 1; page === 1 || (page - 1) * size < expected.length; page++) {
              const result = await alice.query("props", query, page, size);
              expect(result.total).toBe(expected.length);
              ids.push(...result.items.map((d) => d.id));
            }
            expect(ids).toEqual(expected);
          },
        ),
        { numRuns: 60 },
      );
    });

    it("pages partition the sorted result", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(docArb, { minLength: 1, maxLength: 20 }),
          sort,
          fc.integer({ min: 1, max: 7 }),
          async (docs, s, size) => {
            const all = await stored(docs);
            const expected = evaluate(all, { sort: s } as Query);
            const ids: string[] = [];
            for (let page = 1; (page - 1) * size < expected.length; page++) {
              const result = await alice.query("props", { sort: s } as Query, page, size);
              expect(result.total).toBe(expected.length);
              ids.push(...result.items.map((d) => d.id));
            }
            expect(ids).toEqual(expected);
          },
        ),
        { numRuns: 40 },
      );
    });
  },
);

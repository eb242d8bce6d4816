import { type Filter, SfnError, ValidationError } from "@sfn/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataStoreFactory, type PostgresDataStoreFactory, verifyAuditChain } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

async function expectError(promise: Promise<unknown>, type: string, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(SfnError.isInstance(error), `expected ${type} ${code}, got ${String(error)}`).toBe(true);
  expect(error).toMatchObject({ type, code });
}

describe.each(backendNames)("DataStore on %s", (backendName) => {
  let backend: Backend;
  let factory: PostgresDataStoreFactory;
  const auditCount = async () =>
    Number((await backend.driver.query<{ n: string }>("SELECT count(*) AS n FROM sfn.audit_log"))[0]!.n);
  const documentCount = async () =>
    Number((await backend.driver.query<{ n: string }>("SELECT count(*) AS n FROM sfn.documents"))[0]!.n);

  beforeAll(async () => {
    backend = await openBackend(backendName);
    await seedGrants(backend.driver);
    factory = createDataStoreFactory({
      driver: backend.driver,
      database: DATABASE,
      maxDocumentBytes: 64 * 1024,
    });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it("inserts, reads back and pages with a stable order", async () => {
    const alice = factory.createDataStore(users.alice);
    const ids = await alice.insertMany(
      "notes",
      Array.from({ length: 25 }, (_, i) => ({ n: i, parity: i % 2 === 0 ? "even" : "odd" })),
    );
    expect(ids).toHaveLength(25);
    const doc = await alice.getById("notes", ids[3]!);
    expect(doc).toMatchObject({ id: ids[3], owner: "alice", n: 3, parity: "odd" });
    expect(Date.parse(doc!.createdAt)).not.toBeNaN();

    const seen: unknown[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await alice.query("notes", { sort: [{ field: "n", direction: "desc" }] }, page, 10);
      expect(result).toMatchObject({ total: 25, page, pageSize: 10 });
      seen.push(...result.items.map((d) => d.n));
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));

    const evens = await alice.query("notes", { filter: { parity: "even" }, projection: ["n"] }, 1, 100);
    expect(evens.total).toBe(13);
    expect(evens.items[0]).toEqual({
      n: 0,
      id: ids[0],
      owner: "alice",
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it("updates by merge patch (RFC 7396) or replacement and returns the count", async () => {
    const alice = factory.createDataStore(users.alice);
    const id = await alice.insert("profiles", { name: "A", address: { city: "X", zip: "1" }, tags: ["t"] });
    expect(
      await alice.update(
        "profiles",
        { filter: { "address.city": "X" } },
        { address: { zip: null, street: "S" } },
      ),
    ).toBe(1);
    expect(await alice.getById("profiles", id)).toMatchObject({
      name: "A",
      address: { city: "X", street: "S" },
      tags: ["t"],
    });
    expect((await alice.getById("profiles", id))?.address).not.toHaveProperty("zip");
    expect(
      await alice.update("profiles", { filter: { name: "A" } }, { only: true }, { mode: "replace" }),
    ).toBe(1);
    const replaced = await alice.getById("profiles", id);
    expect(replaced).not.toHaveProperty("name");
    expect(replaced).toMatchObject({ only: true, owner: "alice" });
    expect(await alice.update("profiles", { filter: { name: "nobody" } }, { x: 1 })).toBe(0);
  });

  it("keeps documents private to their owner under the default policy", async () => {
    const alice = factory.createDataStore(users.alice);
    const bob = factory.createDataStore(users.bob);
    const id = await alice.insert("diary", { text: "secret" });
    await bob.insert("diary", { text: "bob's" });
    expect(await bob.getById("diary", id)).toBeNull();
    expect((await bob.query("diary", {}, 1, 100)).items.map((d) => d.owner)).toEqual(["bob"]);
    expect(await bob.update("diary", { filter: { text: "secret" } }, { text: "pwned" })).toBe(0);
    expect(await bob.delete("diary", {})).toBe(1); // only bob's own
    expect(await alice.getById("diary", id)).toMatchObject({ text: "secret" });
    // carol holds admin on the database: she sees everything.
    expect((await factory.createDataStore(users.carol).query("diary", {}, 1, 10)).total).toBe(1);
  });

  it("lets a role with the full read permission see all documents", async () => {
    const carol = factory.createDataStore(users.carol);
    await factory.createDataStore(users.alice).insert("tickets", { t: 1 });
    await factory.createDataStore(users.bob).insert("tickets", { t: 2 });
    const auditor = factory.createDataStore({ userId: "dave", roles: ["auditor"], groups: [] });
    expect((await auditor.query("tickets", {}, 1, 10)).total).toBe(2);
    await expectError(auditor.insert("tickets", { t: 3 }), "Forbidden", "SFN_FORBIDDEN");
    // shared: everyone who may read sees all; private: owners only (and admins).
    await carol.configureCollection("tickets", { policy: "shared" });
    expect((await factory.createDataStore(users.bob).query("tickets", {}, 1, 10)).total).toBe(2);
    await carol.configureCollection("tickets", { policy: "private" });
    expect((await auditor.query("tickets", {}, 1, 10)).total).toBe(0);
    expect((await carol.query("tickets", {}, 1, 10)).total).toBe(2);
  });

  it("denies without permission, audits the denial and writes nothing", async () => {
    const before = await documentCount();
    const mallory = factory.createDataStore(users.mallory, { callId: "call-m1", traceId: "trace-m1" });
    await expectError(mallory.insert("notes", { x: 1 }), "Forbidden", "SFN_FORBIDDEN");
    await expectError(mallory.query("notes", {}, 1, 10), "Forbidden", "SFN_FORBIDDEN");
    await expectError(mallory.delete("notes", {}), "Forbidden", "SFN_FORBIDDEN");
    expect(await documentCount()).toBe(before);
    const rows = await backend.driver.query<Record<string, string>>(
      "SELECT subject, token_id, call_id, trace_id, operation, decision FROM sfn.audit_log WHERE subject = 'mallory' ORDER BY id",
    );
    expect(rows).toEqual([
      {
        subject: "mallory",
        token_id: "jti-mallory",
        call_id: "call-m1",
        trace_id: "trace-m1",
        operation: "insert",
        decision: "deny",
      },
      {
        subject: "mallory",
        token_id: "jti-mallory",
        call_id: "call-m1",
        trace_id: "trace-m1",
        operation: "query",
        decision: "deny",
      },
      {
        subject: "mallory",
        token_id: "jti-mallory",
        call_id: "call-m1",
        trace_id: "trace-m1",
        operation: "delete",
        decision: "deny",
      },
    ]);
    await expectError(
      mallory.configureCollection("notes", { policy: "shared" }),
      "Forbidden",
      "SFN_FORBIDDEN",
    );
  });

  it("audits allowed reads only where the collection asks for it (auditReads), on every read path", async () => {
    const alice = factory.createDataStore(users.alice, { callId: "call-reads" });
    const reads = () =>
      backend.driver.query<Record<string, string>>(
        "SELECT operation, collection, decision FROM sfn.audit_log WHERE call_id = 'call-reads' AND operation IN ('query', 'getById') ORDER BY id",
      );
    const id = await alice.insert("watched", { k: "a" });
    // The query fast path (0017) and the general path, then getById: no audit rows yet.
    expect((await alice.query("watched", { filter: { k: "a" } }, 1, 10)).total).toBe(1);
    expect((await alice.query("watched", { filter: { k: { $eq: "a" } } }, 1, 10)).total).toBe(1);
    expect(await alice.getById("watched", id)).toMatchObject({ k: "a" });
    expect(await reads()).toEqual([]);
    await factory.createDataStore(users.carol).configureCollection("watched", { auditReads: true });
    expect((await alice.query("watched", { filter: { k: "a" } }, 1, 10)).total).toBe(1);
    expect((await alice.query("watched", { filter: { k: { $eq: "a" } } }, 1, 10)).total).toBe(1);
    expect(await alice.getById("watched", id)).toMatchObject({ k: "a" });
    const allowed = { collection: "watched", decision: "allow" };
    expect(await reads()).toEqual([
      { operation: "query", ...allowed },
      { operation: "query", ...allowed },
      { operation: "getById", ...allowed },
    ]);
    await expectError(
      factory.createDataStore(users.mallory, { callId: "call-reads" }).getById("watched", id),
      "Forbidden",
      "SFN_FORBIDDEN",
    );
    expect((await reads()).at(-1)).toEqual({ operation: "getById", collection: "watched", decision: "deny" });
  });

  it("audits every written document in the same transaction, hash-chained", async () => {
    const alice = factory.createDataStore(users.alice, { callId: "call-a1" });
    const ids = await alice.insertMany("audited", [{ v: 1 }, { v: 2 }]);
    await alice.update("audited", { filter: { v: 1 } }, { v: 10 });
    await alice.delete("audited", { filter: { v: 2 } });
    const rows = await backend.driver.query<{ operation: string; document_id: string }>(
      "SELECT operation, document_id FROM sfn.audit_log WHERE call_id = 'call-a1' ORDER BY seq",
    );
    expect(rows).toEqual([
      { operation: "insert", document_id: ids[0] },
      { operation: "insert", document_id: ids[1] },
      { operation: "update", document_id: ids[0] },
      { operation: "delete", document_id: ids[1] },
    ]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
  });

  it("joins an outer transaction: everything commits or rolls back together", async () => {
    const before = await documentCount();
    const failure = new TypeError("function failed: secret=hunter2");
    // The callback's own exception comes out as it was, never re-labelled as a database error that
    // would carry its message onto the wire.
    await expect(
      factory.withTransaction(users.alice, async (store) => {
        await store.insert("tx", { n: 1 });
        await store.insert("tx", { n: 2 });
        expect((await store.query("tx", {}, 1, 10)).total).toBe(2);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await documentCount()).toBe(before);

    // A validation error inside the joined transaction leaves it usable (sfn.call uses a sub-transaction).
    const n = await factory.withTransaction(users.alice, async (store, tx) => {
      await store.insert("tx", { n: 3 });
      await expectError(
        store.insert("tx", { id: "forged" }),
        "ValidationError",
        "SFN_DOCUMENT_RESERVED_FIELD",
      );
      const [row] = await tx.query<{ ok: number }>("SELECT 1 AS ok");
      expect(row?.ok).toBe(1);
      return (await store.query("tx", {}, 1, 10)).total;
    });
    expect(n).toBe(1);
    expect(await documentCount()).toBe(before + 1);
  });

  it("validates documents against the collection's JSON Schema, naming the failing paths", async () => {
    await factory.createDataStore(users.carol).configureCollection("people", {
      jsonSchema: {
        type: "object",
        properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
        required: ["name"],
      },
    });
    const alice = createDataStoreFactory({ driver: backend.driver, database: DATABASE }).createDataStore(
      users.alice,
    );
    const id = await alice.insert("people", { name: "Ann", age: 3 });
    const invalid = await alice.insert("people", { age: -1 }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ code: "SFN_SCHEMA_VIOLATION" });
    const paths = (
      invalid as ValidationError & { details: { errors: { path: string }[] } }
    ).details.errors.map((e) => e.path);
    expect(paths.sort()).toEqual(["/age", "/name"]);
    // A merge result is validated before commit: nothing changes.
    await expectError(
      alice.update("people", { filter: { name: "Ann" } }, { name: null }),
      "ValidationError",
      "SFN_SCHEMA_VIOLATION",
    );
    expect(await alice.getById("people", id)).toMatchObject({ name: "Ann", age: 3 });
    await expectError(
      alice.update("people", {}, { age: 4 }, { mode: "replace" }),
      "ValidationError",
      "SFN_SCHEMA_VIOLATION",
    );
    expect(await alice.update("people", {}, { age: 5 })).toBe(1);
  });

  describe("bad input: a typed error and nothing written", () => {
    const cases: [string, (f: PostgresDataStoreFactory) => Promise<unknown>, string][] = [
      [
        "injection in a value",
        (f) =>
          f
            .createDataStore(users.alice)
            .query("notes", { filter: { n: "1'; DROP TABLE sfn.documents; --" } }, 1, 10),
        "ok",
      ],
      [
        "injection in a field path",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { "n') OR true --": 1 } }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "injection in a collection name",
        (f) => f.createDataStore(users.alice).insert("notes; DROP TABLE x", { a: 1 }),
        "SFN_NAME_INVALID",
      ],
      [
        "injection in a sort key",
        (f) => f.createDataStore(users.alice).query("notes", { sort: [{ field: "n DESC; --" }] }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "an unknown operator",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { n: { $regex: ".*" } } }, 1, 10),
        "SFN_FILTER_OPERATOR",
      ],
      [
        "an unknown logical operator",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { $nor: [] } }, 1, 10),
        "SFN_FILTER_OPERATOR",
      ],
      [
        "a wrong operand type",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { n: { $gt: { a: 1 } } } }, 1, 10),
        "SFN_FILTER_OPERAND",
      ],
      [
        "$in without an array",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { n: { $in: 1 } } }, 1, 10),
        "SFN_FILTER_OPERAND",
      ],
      [
        "a deeply nested filter",
        (f) => f.createDataStore(users.alice).query("notes", { filter: nested(40) }, 1, 10),
        "SFN_FILTER_TOO_DEEP",
      ],
      ["page size 0", (f) => f.createDataStore(users.alice).query("notes", {}, 1, 0), "SFN_PAGE_INVALID"],
      [
        "a negative page size",
        (f) => f.createDataStore(users.alice).query("notes", {}, 1, -5),
        "SFN_PAGE_INVALID",
      ],
      ["page size 1e9", (f) => f.createDataStore(users.alice).query("notes", {}, 1, 1e9), "SFN_PAGE_INVALID"],
      [
        "a fractional page",
        (f) => f.createDataStore(users.alice).query("notes", {}, 1.5, 10),
        "SFN_PAGE_INVALID",
      ],
      [
        "a document that is an array",
        (f) => f.createDataStore(users.alice).insertMany("notes", [{ ok: 1 }, [1, 2] as never]),
        "SFN_DOCUMENT_INVALID",
      ],
      [
        "a document that is a string",
        (f) => f.createDataStore(users.alice).insert("notes", "text" as never),
        "SFN_DOCUMENT_INVALID",
      ],
      [
        "a reserved field",
        (f) => f.createDataStore(users.alice).insert("notes", { owner: "bob" }),
        "SFN_DOCUMENT_RESERVED_FIELD",
      ],
      [
        "a reserved field in the second document of a batch (rejected by the SQL)",
        (f) => f.createDataStore(users.alice).insertMany("notes", [{ ok: 1 }, { id: "forged" }]),
        "SFN_DOCUMENT_RESERVED_FIELD",
      ],
      [
        "$exists with a string",
        (f) =>
          f
            .createDataStore(users.alice)
            .query("notes", { filter: { n: { $exists: "yes" } } } as never, 1, 10),
        "SFN_FILTER_OPERAND",
      ],
      [
        "$startsWith with a number",
        (f) =>
          f
            .createDataStore(users.alice)
            .query("notes", { filter: { n: { $startsWith: 1 } } } as never, 1, 10),
        "SFN_FILTER_OPERAND",
      ],
      [
        "injection in a projection path",
        (f) =>
          f.createDataStore(users.alice).query("notes", { projection: ["n'); DROP TABLE x; --"] }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "injection in a field path inside $or",
        (f) =>
          f
            .createDataStore(users.alice)
            .query("notes", { filter: { $or: [{ n: 1 }, { "a.b'--": 1 }] } }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "a field path of 9 segments",
        (f) => f.createDataStore(users.alice).query("notes", { filter: { "a.b.c.d.e.f.g.h.i": 1 } }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "a field path segment of 64 characters",
        (f) =>
          f.createDataStore(users.alice).query("notes", { filter: { [`a.${"b".repeat(64)}`]: 1 } }, 1, 10),
        "SFN_FIELD_INVALID",
      ],
      [
        "mixed operators and fields in one condition",
        (f) =>
          f.createDataStore(users.alice).query("notes", { filter: { n: { $gt: 1, x: 2 } } } as never, 1, 10),
        "SFN_FILTER_INVALID",
      ],
      [
        "a 10 MB document",
        (f) =>
          f
            .createDataStore(users.alice)
            .insertMany("notes", [{ ok: 1 }, { big: "x".repeat(10 * 1024 * 1024) }]),
        "SFN_DOCUMENT_TOO_LARGE",
      ],
      ["an invalid id", (f) => f.createDataStore(users.alice).getById("notes", "1 OR 1=1"), "SFN_ID_INVALID"],
      [
        "an unknown update mode",
        (f) => f.createDataStore(users.alice).update("notes", {}, { a: 1 }, { mode: "upsert" as never }),
        "SFN_UPDATE_MODE_INVALID",
      ],
      [
        "an unknown query key",
        (f) => f.createDataStore(users.alice).query("notes", { where: {} } as never, 1, 10),
        "SFN_QUERY_INVALID",
      ],
    ];
    it.each(cases)("%s", async (_name, run, code) => {
      const docs = await documentCount();
      const audit = await auditCount();
      if (code === "ok") {
        await expect(run(factory)).resolves.toMatchObject({ total: 0 });
      } else {
        await expectError(run(factory), "ValidationError", code);
      }
      expect(await documentCount()).toBe(docs);
      expect(await auditCount()).toBe(audit);
    });
  });

  it("accepts field paths at the limits: 8 segments of 63 characters", async () => {
    const alice = factory.createDataStore(users.alice);
    const segments = Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(97 + i)}${"x".repeat(62)}`);
    let doc: Record<string, unknown> = { v: 1 };
    for (const segment of [...segments].reverse()) doc = { [segment]: doc };
    await alice.insert("deep", doc);
    const path = segments.join(".");
    expect((await alice.query("deep", { filter: { [`${path}`]: { v: 1 } } }, 1, 10)).total).toBe(1);
    expect((await alice.query("deep", { filter: { [path]: { $exists: true } } }, 1, 10)).total).toBe(1);
  });

  it("enforces a collection's lower size limit in SQL", async () => {
    await factory.createDataStore(users.carol).configureCollection("small", { maxDocumentBytes: 100 });
    const alice = factory.createDataStore(users.alice);
    const id = await alice.insert("small", { s: "x" });
    await expectError(
      alice.insert("small", { s: "x".repeat(200) }),
      "ValidationError",
      "SFN_DOCUMENT_TOO_LARGE",
    );
    await expectError(
      alice.update("small", {}, { s: "y".repeat(200) }),
      "ValidationError",
      "SFN_DOCUMENT_TOO_LARGE",
    );
    expect(await alice.getById("small", id)).toMatchObject({ s: "x" });
    // A batch whose second document is too large for the collection writes nothing.
    await expectError(
      alice.insertMany("small", [{ s: "ok" }, { s: "z".repeat(200) }]),
      "ValidationError",
      "SFN_DOCUMENT_TOO_LARGE",
    );
    expect((await alice.query("small", {}, 1, 10)).total).toBe(1);
  });

  it("rejects an already aborted operation before it reaches the database", async () => {
    const controller = new AbortController();
    controller.abort();
    await expectError(
      factory.createDataStore(users.alice).query("notes", {}, 1, 10, { signal: controller.signal }),
      "SystemError",
      "SFN_ABORTED",
    );
  });

  it("detects tampering with the audit trail", async () => {
    await factory.createDataStore(users.alice).insert("chain", { v: 1 });
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
    const [row] = await backend.driver.query<{ seq: string }>(
      "SELECT seq FROM sfn.audit_log WHERE collection = 'chain' ORDER BY seq LIMIT 1",
    );
    const seq = Number(row!.seq);
    await backend.driver.query("UPDATE sfn.audit_log SET subject = 'mallory' WHERE seq = $1", [seq]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: false, firstBadSeq: seq });
    await backend.driver.query("UPDATE sfn.audit_log SET subject = 'alice' WHERE seq = $1", [seq]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
    await backend.driver.query("DELETE FROM sfn.audit_log WHERE seq = $1", [seq - 1]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: false, firstBadSeq: seq - 1 });
  });
});

function nested(depth: number): Filter {
  let filter: Filter = { n: 1 };
  for (let i = 0; i < depth; i++) filter = { $not: filter };
  return filter;
}

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SFN_CALL_SQL, verifyAuditChain } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants } from "./support/users.js";

// sfn.call answers a valid insert on a fast path (sql/0016) and everything else on the general path.
// These raw calls (no client-side validation in between) pin down that the split is invisible: every
// rejected insert gets the general path's error and leaves nothing behind — no document, no collection
// row, no audit row except a denial's — and the audit rows written by the fast path verify.
describe.each(backendNames)("sfn.call insert on %s", (backendName) => {
  let backend: Backend;
  const alice = { userId: "alice", roles: ["user"], database: DATABASE, standalone: true };

  beforeAll(async () => {
    backend = await openBackend(backendName);
    await seedGrants(backend.driver);
  });
  afterAll(async () => {
    await backend?.close();
  });

  const call = async (ctx: unknown, op: string, args: unknown) => {
    const rows = await backend.driver.query<{ reply: Record<string, unknown> }>(SFN_CALL_SQL, [
      JSON.stringify(ctx),
      op,
      JSON.stringify(args),
    ]);
    return rows[0]!.reply;
  };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await backend.driver.query<{ n: string }>(sql, params))[0]!.n);
  const written = async (collection: string) => ({
    documents: await count("SELECT count(*) AS n FROM sfn.documents WHERE collection = $1", [collection]),
    collections: await count("SELECT count(*) AS n FROM sfn.collections WHERE name = $1", [collection]),
    audit: await count("SELECT count(*) AS n FROM sfn.audit_log WHERE collection = $1", [collection]),
  });

  const docs = [{ a: 1 }];
  const rejected: [string, unknown, unknown, string, unknown?][] = [
    ["context not an object", [], { collection: "fresh", documents: docs }, "SFN_CONTEXT_INVALID"],
    [
      "no userId",
      { roles: [], database: DATABASE },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    ["empty userId", { ...alice, userId: "" }, { collection: "fresh", documents: docs }, "SFN_NAME_INVALID"],
    [
      "control character in userId",
      { ...alice, userId: "a\u0007" },
      { collection: "fresh", documents: docs },
      "SFN_NAME_INVALID",
    ],
    [
      "roles not an array",
      { ...alice, roles: "user" },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "a role not a string",
      { ...alice, roles: ["user", 1] },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "a nested role array",
      { ...alice, roles: [["user"]] },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "bad database name",
      { ...alice, database: "a-b" },
      { collection: "fresh", documents: docs },
      "SFN_NAME_INVALID",
    ],
    [
      "no database",
      { userId: "alice", roles: ["user"] },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "maxDocumentBytes 0",
      { ...alice, maxDocumentBytes: 0 },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "maxDocumentBytes null",
      { ...alice, maxDocumentBytes: null },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    [
      "maxDocumentBytes a string",
      { ...alice, maxDocumentBytes: "9" },
      { collection: "fresh", documents: docs },
      "SFN_CONTEXT_INVALID",
    ],
    ["arguments not an object", alice, [1], "SFN_ARGUMENTS_INVALID"],
    ["bad collection name", alice, { collection: "fresh;drop", documents: docs }, "SFN_NAME_INVALID"],
    ["documents not an array", alice, { collection: "fresh", documents: { a: 1 } }, "SFN_DOCUMENT_INVALID"],
    ["no documents", alice, { collection: "fresh", documents: [] }, "SFN_DOCUMENT_INVALID"],
    [
      "a document not an object",
      alice,
      { collection: "fresh", documents: [{ a: 1 }, [1]] },
      "SFN_DOCUMENT_INVALID",
      { index: 1 },
    ],
    [
      "a reserved field",
      alice,
      { collection: "fresh", documents: [{ a: 1 }, { a: 2 }, { owner: "x" }] },
      "SFN_DOCUMENT_RESERVED_FIELD",
      { index: 2 },
    ],
    [
      "a document over the limit",
      { ...alice, maxDocumentBytes: 10 },
      { collection: "fresh", documents: [{ a: "0123456789" }] },
      "SFN_DOCUMENT_TOO_LARGE",
      { index: 0, bytes: 19, limit: 10 },
    ],
  ];

  it.each(rejected)(
    "rejects %s with the general path's error and writes nothing",
    async (_, ctx, args, code, details) => {
      const reply = (await call(ctx, "insert", args)) as { error?: { code: string; details?: unknown } };
      expect(reply.error?.code).toBe(code);
      if (details !== undefined) expect(reply.error?.details).toEqual(details);
      expect(await written("fresh")).toEqual({ documents: 0, collections: 0, audit: 0 });
    },
  );

  it("denies without the permission: the Forbidden reply and one audit row, nothing else", async () => {
    const reply = await call(
      { userId: "mallory", roles: [], database: DATABASE, standalone: true },
      "insert",
      {
        collection: "fresh",
        documents: docs,
      },
    );
    expect(reply).toMatchObject({ error: { type: "Forbidden", code: "SFN_FORBIDDEN" } });
    expect(await written("fresh")).toEqual({ documents: 0, collections: 0, audit: 1 });
  });

  it("creates the collection on its first write; ids follow the input order; the chain verifies", async () => {
    for (const [collection, n, standalone] of [
      ["first_alone", 1, true],
      ["batch_alone", 7, true],
      ["first_joined", 1, false],
      ["batch_joined", 3, false],
    ] as const) {
      const documents = Array.from({ length: n }, (_, i) => ({ i }));
      const reply = (await call({ ...alice, standalone }, "insert", { collection, documents })) as {
        ok: string[];
      };
      expect(reply.ok).toHaveLength(n);
      expect([...reply.ok].sort()).toEqual(reply.ok);
      const stored = await backend.driver.query<{ id: string; i: number; owner: string }>(
        "SELECT id::text, (data->>'i')::int AS i, owner FROM sfn.documents WHERE collection = $1 ORDER BY id",
        [collection],
      );
      expect(stored).toEqual(reply.ok.map((id, i) => ({ id, i, owner: "alice" })));
      const audit = await backend.driver.query<{ document_id: string; decision: string; subject: string }>(
        "SELECT document_id, decision, subject FROM sfn.audit_log WHERE collection = $1 ORDER BY seq",
        [collection],
      );
      expect(audit).toEqual(reply.ok.map((id) => ({ document_id: id, decision: "allow", subject: "alice" })));
      expect(await written(collection)).toMatchObject({ collections: 1 });
    }
    const total = await count("SELECT count(*) AS n FROM sfn.audit_log");
    expect(await verifyAuditChain(backend.driver)).toEqual({ ok: true, checked: total });
  });

  // The writers hash sfn._audit_entry_text (the entry written out as text); audit_verify hashes
  // sfn.audit_entry(row)::text. They must agree on every value, escapes and NULLs included.
  it("writes the audit entry text exactly as sfn.audit_entry prints it", async () => {
    const text = fc.option(
      fc.string({ unit: "binary", maxLength: 40 }).map((s) => s.replaceAll("\u0000", "")),
      { nil: null },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(text, text, text, text, text, text, text, text, text, text),
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        fc.date({
          min: new Date("1900-01-01T00:00:00Z"),
          max: new Date("2200-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
        async (v, seq, at, micros) => {
          const [row] = await backend.driver.query<{ written: string; printed: string }>(
            `SELECT sfn._audit_entry_text((r).seq, (r).at, sfn._audit_entry_middle((r).subject, (r).token_id, (r).call_id,
                      (r).trace_id, (r).database, (r).operation, (r).collection, (r).decision, (r).reason), (r).document_id) AS written,
                    sfn.audit_entry(r)::text AS printed
             FROM (SELECT ROW(NULL, $1::bigint, $2::timestamptz, $3::text, $4::text, $5::text, $6::text, $7::text,
                              coalesce($8::text, 'op'), $9::text, $10::text, coalesce($11::text, 'allow'), $12::text,
                              NULL, NULL, NULL)::sfn.audit_log AS r) x`,
            [seq.toString(), at.toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`), ...v],
          );
          expect(row!.written).toBe(row!.printed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

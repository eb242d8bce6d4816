import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SFN_CALL_SQL } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants } from "./support/users.js";

// sfn.call tries the fast query (sql/0017) from its own entry (sql/0018) when the caller context is valid,
// before its general path. These raw calls (no client-side validation in between) pin down that the split
// is invisible: an invalid context or query gets the general path's error, a denial its Forbidden reply
// and audit row, and what the fast entry answers is what the general path answers.
describe.each(backendNames)("sfn.call query entry on %s", (backendName) => {
  let backend: Backend;
  const alice = { userId: "alice", roles: ["user"], database: DATABASE, standalone: true };
  const byK = { collection: "entry_notes", query: { filter: { k: "a" } }, page: 1, pageSize: 10 };

  beforeAll(async () => {
    backend = await openBackend(backendName);
    await seedGrants(backend.driver);
    for (const [user, k] of [
      ["alice", "a"],
      ["alice", "a"],
      ["alice", "b"],
      ["bob", "a"],
    ] as const) {
      await call({ ...alice, userId: user }, "insert", { collection: "entry_notes", documents: [{ k }] });
    }
  });
  afterAll(async () => {
    await backend?.close();
  });

  async function call(ctx: unknown, op: string, args: unknown): Promise<Record<string, unknown>> {
    const rows = await backend.driver.query<{ reply: Record<string, unknown> }>(SFN_CALL_SQL, [
      JSON.stringify(ctx),
      op,
      JSON.stringify(args),
    ]);
    return rows[0]!.reply;
  }
  const denials = async () =>
    Number(
      (
        await backend.driver.query<{ n: string }>(
          "SELECT count(*) AS n FROM sfn.audit_log WHERE collection = 'entry_notes' AND decision = 'deny'",
        )
      )[0]!.n,
    );

  const rejected: [string, unknown, unknown, string][] = [
    ["context not an object", [], byK, "SFN_CONTEXT_INVALID"],
    ["no userId", { roles: [], database: DATABASE }, byK, "SFN_CONTEXT_INVALID"],
    ["empty userId", { ...alice, userId: "" }, byK, "SFN_NAME_INVALID"],
    ["control character in userId", { ...alice, userId: "a\u0007" }, byK, "SFN_NAME_INVALID"],
    ["roles not an array", { ...alice, roles: "user" }, byK, "SFN_CONTEXT_INVALID"],
    ["a role not a string", { ...alice, roles: ["user", 1] }, byK, "SFN_CONTEXT_INVALID"],
    ["bad database name", { ...alice, database: "a-b" }, byK, "SFN_NAME_INVALID"],
    ["no database", { userId: "alice", roles: ["user"] }, byK, "SFN_CONTEXT_INVALID"],
    ["maxDocumentBytes 0", { ...alice, maxDocumentBytes: 0 }, byK, "SFN_CONTEXT_INVALID"],
    ["arguments not an object", alice, [1], "SFN_ARGUMENTS_INVALID"],
    ["bad collection name", alice, { ...byK, collection: "x;drop" }, "SFN_NAME_INVALID"],
    ["page 0", alice, { ...byK, page: 0 }, "SFN_PAGE_INVALID"],
    ["pageSize 1e9", alice, { ...byK, pageSize: 1e9 }, "SFN_PAGE_INVALID"],
    [
      "an unknown operator",
      alice,
      { ...byK, query: { filter: { k: { $like: "a" } } } },
      "SFN_FILTER_OPERATOR",
    ],
  ];

  it.each(rejected)("rejects %s with the general path's error", async (_, ctx, args, code) => {
    const reply = (await call(ctx, "query", args)) as { error?: { code: string } };
    expect(reply.error?.code).toBe(code);
  });

  it("denies without the read permission: the Forbidden reply and one audit row", async () => {
    const before = await denials();
    const reply = await call(
      { userId: "mallory", roles: [], database: DATABASE, standalone: true },
      "query",
      byK,
    );
    expect(reply).toMatchObject({ error: { type: "Forbidden", code: "SFN_FORBIDDEN" } });
    expect(await denials()).toBe(before + 1);
  });

  it("answers as the caller: the row policy hides others' documents, a full reader sees them", async () => {
    const own = (await call(alice, "query", byK)) as { ok: { items: { owner: string }[]; total: number } };
    expect(own.ok.total).toBe(2);
    expect(own.ok.items.map((d) => d.owner)).toEqual(["alice", "alice"]);
    const auditor = (await call(
      { userId: "audrey", roles: ["auditor"], database: DATABASE },
      "query",
      byK,
    )) as {
      ok: { items: { owner: string }[]; total: number };
    };
    expect(auditor.ok.items.map((d) => d.owner)).toEqual(["alice", "alice", "bob"]);
  });

  it("gives the fast entry's answer and the general path's answer alike", async () => {
    // A sort by id is the default order but not the fast shape: the general path compiles it.
    const fast = (await call(alice, "query", byK)) as { ok: unknown };
    const general = (await call(alice, "query", {
      ...byK,
      query: { ...byK.query, sort: [{ field: "id" }] },
    })) as {
      ok: unknown;
    };
    expect(fast.ok).toEqual(general.ok);
  });
});

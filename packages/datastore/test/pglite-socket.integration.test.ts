import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, type PgliteSocket, pgliteDriver, SFN_CALL_SQL, servePglite } from "../src/index.js";
import { DATABASE, seedGrants } from "./support/users.js";

// `sfn dev`'s embedded database as a function in another language sees it: a plain PostgreSQL driver on
// the wire protocol, calling the shared SQL. `pg` stands for psycopg, pgx, JDBC or Npgsql here.
describe("PGlite over the wire protocol (pglite-socket)", () => {
  let db: PGlite;
  let socket: PgliteSocket;
  const clients: pg.Client[] = [];
  const connect = async (user = "postgres") => {
    const url = new URL(socket.url);
    url.username = user;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    clients.push(client);
    return client;
  };
  // mallory has no role, so no permission.
  const ctx = (userId: string) =>
    JSON.stringify({ userId, roles: userId === "mallory" ? [] : ["user"], database: DATABASE });
  const call = async (client: pg.Client, userId: string, op: string, args: unknown) =>
    (await client.query(SFN_CALL_SQL, [ctx(userId), op, JSON.stringify(args)])).rows[0].reply;

  beforeAll(async () => {
    db = await PGlite.create();
    const driver = pgliteDriver(db);
    await migrate(driver);
    await seedGrants(driver);
    socket = await servePglite(db);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await socket?.close();
    await db?.close();
  });

  it("serves sfn.call to a plain driver, with row-level security applied by sfn.call", async () => {
    const client = await connect();
    expect(
      (await call(client, "alice", "insert", { collection: "wire", documents: [{ a: 1 }] })).ok,
    ).toHaveLength(1);
    expect(
      (await call(client, "bob", "insert", { collection: "wire", documents: [{ b: 1 }] })).ok,
    ).toHaveLength(1);
    const bobs = await call(client, "bob", "query", { collection: "wire", query: {}, page: 1, pageSize: 10 });
    expect(bobs.ok.items.map((d: { owner: string }) => d.owner)).toEqual(["bob"]);
    const denied = await call(client, "mallory", "query", {
      collection: "wire",
      query: {},
      page: 1,
      pageSize: 10,
    });
    expect(denied.error).toMatchObject({ type: "Forbidden", code: "SFN_FORBIDDEN" });
  });

  it("differs from a server: the login is ignored and raw SQL runs as the superuser", async () => {
    const client = await connect("sfn_some_function");
    expect((await client.query("SELECT current_user AS u")).rows[0].u).toBe("postgres");
    expect(Number((await client.query("SELECT count(*) AS n FROM sfn.documents")).rows[0].n)).toBe(2);
  });

  it("differs from a server: an open transaction on one connection holds back the others", async () => {
    const a = await connect();
    const b = await connect();
    await a.query("BEGIN");
    await call(a, "alice", "insert", { collection: "wire", documents: [{ inTx: true }] });
    let settled = false;
    const other = call(b, "alice", "query", { collection: "wire", query: {}, page: 1, pageSize: 10 }).then(
      (r) => {
        settled = true;
        return r;
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await a.query("COMMIT");
    expect((await other).ok.total).toBe(2); // it ran after the commit and sees the new document
  });
});

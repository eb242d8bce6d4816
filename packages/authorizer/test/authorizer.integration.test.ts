import type { UserContext } from "@sfn/contracts";
import { createDataStoreFactory, verifyAuditChain } from "@sfn/datastore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthorizerFactory, type PostgresAuthorizerFactory } from "../src/index.js";
import { type Backend, openBackend } from "./backends.js";

const carol: UserContext = { userId: "carol", roles: ["admin", "user"], groups: [] };
const bob: UserContext = { userId: "bob", roles: ["user"], groups: [] };
const mallory: UserContext = { userId: "mallory", roles: [], groups: [] };

describe.each(["postgres", "pglite"] as const)("Authorizer on %s", (name) => {
  let backend: Backend;
  let factory: PostgresAuthorizerFactory;
  const auditRows = async (operation: string) =>
    Number(
      (
        await backend.driver.query<{ n: string }>(
          "SELECT count(*) AS n FROM sfn.audit_log WHERE operation = $1",
          [operation],
        )
      )[0]!.n,
    );

  beforeAll(async () => {
    backend = await openBackend(name);
    await backend.driver.query("SELECT sfn.bootstrap_admin('app', 'carol')");
    factory = createAuthorizerFactory({ driver: backend.driver });
  });
  afterAll(async () => {
    await backend?.close();
  });

  it("needs admin on the database to change grants, so nobody grants themselves rights", async () => {
    const m = factory.createAuthorizer(mallory);
    await expect(m.assignPermissionsToUser("mallory", ["admin"], "app")).rejects.toMatchObject({
      type: "Forbidden",
      code: "SFN_FORBIDDEN",
    });
    await expect(m.assignRoleToUser("mallory", "admin", "app")).rejects.toMatchObject({ type: "Forbidden" });
    expect(await factory.createAuthorizer(carol).hasPermission("mallory", "admin", "app")).toBe(false);
    expect(await auditRows("assignPermissionsToUser")).toBeGreaterThanOrEqual(1);
    // admin on one collection is not admin on the database
    await factory.createAuthorizer(carol).assignPermissionsToUser("bob", ["admin"], "app", "orders");
    await expect(
      factory.createAuthorizer(bob).assignPermissionsToUser("bob", ["read"], "app"),
    ).rejects.toMatchObject({
      type: "Forbidden",
    });
  });

  it("assigns and removes roles, reporting whether anything changed", async () => {
    const a = factory.createAuthorizer(carol);
    expect(await a.assignRoleToUser("bob", "editor", "app", "articles")).toBe(true);
    expect(await a.assignRoleToUser("bob", "editor", "app", "articles")).toBe(false);
    expect(await a.hasRole("bob", "editor", "app", "articles")).toBe(true);
    expect(await a.hasRole("bob", "editor", "app", "other")).toBe(false);
    expect(await a.hasRole("bob", "editor", "app")).toBe(false);
    expect(await a.removeRoleFromUser("bob", "editor", "app", "articles")).toBe(true);
    expect(await a.removeRoleFromUser("bob", "editor", "app", "articles")).toBe(false);
    expect(await a.hasRole("bob", "editor", "app", "articles")).toBe(false);
  });

  it("resolves permissions: direct, through roles, collection grants extending database grants", async () => {
    const a = factory.createAuthorizer(carol);
    await a.grantPermissionsToRole("reviewer", ["read"], "app");
    await a.grantPermissionsToRole("reviewer", ["write"], "app", "drafts");
    await a.assignRoleToUser("dave", "reviewer", "app");
    await a.assignPermissionsToUser("dave", ["delete"], "app", "trash");
    const fresh = factory.createAuthorizer(carol);
    expect(await fresh.hasPermission("dave", "read", "app")).toBe(true);
    expect(await fresh.hasPermission("dave", "read", "app", "anything")).toBe(true);
    expect(await fresh.hasPermission("dave", "write", "app", "drafts")).toBe(true);
    expect(await fresh.hasPermission("dave", "write", "app", "published")).toBe(false);
    expect(await fresh.hasPermission("dave", "write", "app")).toBe(false);
    expect(await fresh.hasPermission("dave", "delete", "app", "trash")).toBe(true);
    expect(await fresh.hasPermission("dave", "read:own", "app", "x")).toBe(true); // read implies read:own
    expect(await fresh.hasPermission("carol", "delete", "app", "x")).toBe(true); // admin implies all
    expect(await fresh.hasPermission("dave", "read", "other_db")).toBe(false);
  });

  it("counts token roles for the caller only", async () => {
    await factory.createAuthorizer(carol).grantPermissionsToRole("user", ["read:own"], "app");
    expect(await factory.createAuthorizer(bob).hasPermission("bob", "read:own", "app")).toBe(true);
    expect(await factory.createAuthorizer(carol).hasPermission("bob", "read:own", "app")).toBe(false);
  });

  it("caches decisions for the call and audits each decision once", async () => {
    const before = await auditRows("hasPermission");
    const a = factory.createAuthorizer(carol);
    for (let i = 0; i < 5; i++) expect(await a.hasPermission("erin", "read", "app")).toBe(false);
    expect(await auditRows("hasPermission")).toBe(before + 1);
    await factory.createAuthorizer(carol).assignPermissionsToUser("erin", ["read"], "app");
    expect(await a.hasPermission("erin", "read", "app")).toBe(false); // this call's cached decision
    expect(await factory.createAuthorizer(carol).hasPermission("erin", "read", "app")).toBe(true);
    await a.assignRoleToUser("erin", "x", "app"); // a change through the instance clears its cache
    expect(await a.hasPermission("erin", "read", "app")).toBe(true);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
  });

  it("audits its decisions and denials even when the call's transaction rolls back", async () => {
    const failure = new Error("the function fails");
    await expect(
      factory.driver.transaction(async (tx) => {
        const inCall = factory.createAuthorizer(mallory, { transaction: tx, callId: "call-rb" });
        expect(await inCall.hasPermission("mallory", "admin", "app")).toBe(false);
        await inCall.assignRoleToUser("mallory", "admin", "app").catch(() => undefined);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await backend.driver.query<Record<string, string>>(
      "SELECT operation, decision, subject FROM sfn.audit_log WHERE call_id = 'call-rb' ORDER BY seq",
    );
    expect(rows).toEqual([
      { operation: "hasPermission", decision: "deny", subject: "mallory" },
      { operation: "assignRoleToUser", decision: "deny", subject: "mallory" },
    ]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
  });

  it("is the same grant model the DataStore enforces", async () => {
    const store = createDataStoreFactory({ driver: backend.driver, database: "app" });
    await expect(
      store.createDataStore({ userId: "frank", roles: [], groups: [] }).insert("notes", { a: 1 }),
    ).rejects.toMatchObject({
      type: "Forbidden",
    });
    await factory
      .createAuthorizer(carol)
      .assignPermissionsToUser("frank", ["write:own", "read:own"], "app", "notes");
    const frank = store.createDataStore({ userId: "frank", roles: [], groups: [] });
    await frank.insert("notes", { a: 1 });
    expect((await frank.query("notes", {}, 1, 10)).total).toBe(1);
  });

  it("rejects invalid names and permissions with ValidationError", async () => {
    const a = factory.createAuthorizer(carol);
    await expect(a.assignPermissionsToUser("bob", ["READ; DROP"], "app")).rejects.toMatchObject({
      type: "ValidationError",
      code: "SFN_PERMISSION_INVALID",
    });
    await expect(a.hasPermission("bob", "read", "app; --")).rejects.toMatchObject({
      type: "ValidationError",
      code: "SFN_NAME_INVALID",
    });
    await expect(a.assignRoleToUser("", "r", "app")).rejects.toMatchObject({ type: "ValidationError" });
    await expect(a.assignPermissionsToUser("bob", [], "app")).rejects.toMatchObject({
      type: "ValidationError",
    });
  });
});

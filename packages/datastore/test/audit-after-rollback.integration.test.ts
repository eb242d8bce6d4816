import { SfnError } from "@sfn/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataStoreFactory, type PostgresDataStoreFactory, verifyAuditChain } from "../src/index.js";
import { type Backend, backendNames, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

// The runtime runs a call in one transaction and rolls it back when the function fails, typically with
// the Forbidden error the DataStore raised. The denial must still land in the audit trail.
describe.each(backendNames)("denials outlive a rolled-back transaction on %s", (backendName) => {
  let backend: Backend;
  let factory: PostgresDataStoreFactory;
  const eve = { userId: "eve", roles: [], groups: [], tokenId: "jti-eve" };

  beforeAll(async () => {
    backend = await openBackend(backendName);
    await seedGrants(backend.driver);
    factory = createDataStoreFactory({ driver: backend.driver, database: DATABASE });
  });
  afterAll(async () => {
    await backend?.close();
  });

  const auditOf = (subject: string) =>
    backend.driver.query<Record<string, string | null>>(
      "SELECT operation, collection, decision, call_id, token_id FROM sfn.audit_log WHERE subject = $1 ORDER BY seq",
      [subject],
    );

  it("records the denial of a call whose transaction rolled back because of it", async () => {
    const error = await factory
      .withTransaction(eve, (store) => store.insert("vault", { x: 1 }), { callId: "call-e1" })
      .catch((e: unknown) => e);
    expect(SfnError.isInstance(error) && error.type).toBe("Forbidden");
    expect(await auditOf("eve")).toEqual([
      { operation: "insert", collection: "vault", decision: "deny", call_id: "call-e1", token_id: "jti-eve" },
    ]);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
  });

  it("records denials the function caught before failing otherwise, and nothing that was allowed", async () => {
    const alice = users.alice;
    await expect(
      factory.withTransaction(
        alice,
        async (store) => {
          await store.insert("notes", { kept: false }); // allowed: rolled back with the transaction
          await store.configureCollection("notes", { policy: "shared" }).catch(() => undefined); // denied
          throw new Error("the function fails");
        },
        { callId: "call-a9" },
      ),
    ).rejects.toThrow("the function fails");
    const rows = await backend.driver.query<Record<string, string>>(
      "SELECT operation, decision FROM sfn.audit_log WHERE call_id = 'call-a9' ORDER BY seq",
    );
    expect(rows).toEqual([{ operation: "configureCollection", decision: "deny" }]);
    expect(
      (await factory.createDataStore(alice).query("notes", { filter: { kept: false } }, 1, 10)).total,
    ).toBe(0);
    expect(await verifyAuditChain(backend.driver)).toMatchObject({ ok: true });
  });

  it("keeps the denial of a validated merge update inside a committed transaction", async () => {
    await factory.createDataStore(users.carol).configureCollection("typed", {
      jsonSchema: { type: "object", properties: { v: { type: "number" } } },
    });
    await factory.withTransaction(eve, async (store) => {
      await expect(store.update("typed", {}, { v: 1 })).rejects.toMatchObject({ type: "Forbidden" });
    });
    expect((await auditOf("eve")).filter((r) => r.collection === "typed")).toEqual([
      { operation: "update", collection: "typed", decision: "deny", call_id: null, token_id: "jti-eve" },
    ]);
  });
});

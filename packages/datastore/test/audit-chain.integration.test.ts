import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditHead,
  createDataStoreFactory,
  pgDriver,
  type SqlDriver,
  verifyAuditChain,
} from "../src/index.js";
import { type Backend, openBackend } from "./support/backends.js";
import { DATABASE, seedGrants, users } from "./support/users.js";

// Operations run alone link their audit rows at once; those inside a longer transaction are linked at
// commit (sql/0004, sql/0011). Under concurrent writers of both kinds the chain must stay one gapless,
// verifiable sequence in commit order.
describe("the audit chain under concurrent writers (PostgreSQL)", () => {
  let backend: Backend;
  const pools: SqlDriver[] = [];

  beforeAll(async () => {
    backend = await openBackend("postgres");
    await seedGrants(backend.driver);
    for (let i = 0; i < 4; i++) pools.push(pgDriver({ connectionString: backend.url!, maxConnections: 2 }));
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await backend?.close();
  });

  it("stays gapless and verifiable with standalone and transactional writes interleaved", async () => {
    await Promise.all(
      pools.map(async (driver, w) => {
        const factory = createDataStoreFactory({ driver, database: DATABASE });
        const user = w % 2 === 0 ? users.alice : users.bob;
        const alone = factory.createDataStore(user);
        for (let i = 0; i < 15; i++) {
          await alone.insert("concurrent", { w, i });
          await factory.withTransaction(
            user,
            async (store) => {
              await store.insertMany("concurrent", [
                { w, i, t: 1 },
                { w, i, t: 2 },
              ]);
              await store.update("concurrent", { filter: { w, i, t: 1 } }, { t: 3 });
            },
            { callId: `c-${w}-${i}` },
          );
          await alone.query("concurrent", { filter: { w } }, 1, 5).catch(() => undefined);
          await factory
            .createDataStore(users.mallory)
            .insert("concurrent", { w })
            .catch(() => undefined); // a denial, linked at once
        }
      }),
    );
    const [{ n }] = (await backend.driver.query<{ n: string }>(
      "SELECT count(*) AS n FROM sfn.audit_log",
    )) as [{ n: string }];
    expect(Number(n)).toBeGreaterThanOrEqual(4 * 15 * 5);
    expect(await verifyAuditChain(backend.driver)).toEqual({ ok: true, checked: Number(n) });
    expect((await auditHead(backend.driver)).seq).toBe(Number(n));
  });
});

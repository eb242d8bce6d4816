import type { SqlExecutor } from "@sfn/datastore";
import { describe, expect, it } from "vitest";
import { lazyTransaction } from "./lazy-transaction.js";

// A recording driver: what the lazy transaction begins, commits and rolls back.
function recorder() {
  const log: string[] = [];
  const begin = async (fn: (tx: SqlExecutor) => Promise<void>) => {
    log.push("BEGIN");
    const tx: SqlExecutor = {
      query: async <Row>(text: string) => {
        log.push(text);
        return [] as Row[];
      },
      exec: async (script) => {
        log.push(script);
      },
    };
    try {
      await fn(tx);
      log.push("COMMIT");
    } catch (error) {
      log.push("ROLLBACK");
      throw error;
    }
  };
  return { log, begin };
}

describe("lazyTransaction", () => {
  it("begins nothing when no statement runs", async () => {
    const r = recorder();
    const lazy = lazyTransaction(r.begin);
    await lazy.commit();
    await lazy.rollback();
    expect(lazy.begun).toBe(false);
    expect(r.log).toEqual([]);
  });

  it("begins on the first statement, runs the rest in the same transaction, commits", async () => {
    const r = recorder();
    const lazy = lazyTransaction(r.begin);
    await lazy.executor.query("SELECT 1");
    await lazy.executor.query("SELECT 2");
    await lazy.commit();
    await lazy.rollback(); // after commit: nothing more happens
    expect(r.log).toEqual(["BEGIN", "SELECT 1", "SELECT 2", "COMMIT"]);
  });

  it("rolls back without rejecting", async () => {
    const r = recorder();
    const lazy = lazyTransaction(r.begin);
    await lazy.executor.exec("INSERT");
    await expect(lazy.rollback()).resolves.toBeUndefined();
    expect(r.log).toEqual(["BEGIN", "INSERT", "ROLLBACK"]);
  });

  it("rejects the statement and the commit when the transaction cannot begin", async () => {
    const down = new Error("connection refused");
    const lazy = lazyTransaction(async () => {
      throw down;
    });
    await expect(lazy.executor.query("SELECT 1")).rejects.toBe(down);
    await expect(lazy.commit()).rejects.toBe(down);
  });
});

import { type DeadLetter, type Envelope, newCallId } from "@sfn/contracts";
import { createDataStoreFactory } from "@sfn/datastore";
import { findFixtureUser, mintToken } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDlqCommand } from "../src/dlq/dlq-command.js";
import { errorOf, type Harness, resultOf, startHarness } from "./support/harness.js";
import { switches } from "./support/notes-service.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

// The database taken away and given back (through a TCP proxy in front of the fixture's PostgreSQL),
// functions that never use their DataStore with dedup off, and the dead-letter table with `sfn dlq`.

let alice: string;
beforeAll(async () => {
  alice = await mintToken("alice");
});

const count = (h: Harness, text: string) =>
  h.db.count("SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' = $1", [
    text,
  ]);

describe("database down", () => {
  let h: Harness;
  let proxy: TcpProxy;
  let proxied: ReturnType<typeof createDataStoreFactory> | undefined;
  beforeAll(async () => {
    h = await startHarness(
      () => alice,
      async ({ db }) => {
        // The host reaches the database through the proxy; the test counts rows directly.
        const url = new URL(db.url);
        proxy = await startTcpProxy(url.hostname, Number(url.port));
        url.port = String(proxy.port);
        proxied = createDataStoreFactory({
          connectionString: url.toString(),
          database: "app",
          maxConnections: 4,
        });
        return { dataStores: proxied, circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 300 } };
      },
    );
  });
  afterAll(async () => {
    await h?.close();
    await proxied?.close();
    await proxy?.close();
  });

  it("answers SystemError SFN_DB_UNAVAILABLE at once, opens the circuit, and recovers when it returns", async () => {
    expect(resultOf(await h.call("addNote", { text: "before-outage" }))).toEqual({ id: expect.any(String) });
    await proxy.cut();
    const replies: Envelope[] = [];
    const started = performance.now();
    for (let i = 0; i < 6; i++) replies.push(await h.call("addNote", { text: `outage-${i}` }));
    const elapsed = performance.now() - started;
    for (const reply of replies) {
      expect(errorOf(reply)).toMatchObject({ type: "SystemError", code: "SFN_DB_UNAVAILABLE" });
    }
    // Once open, the circuit answers without trying to connect.
    expect(errorOf(replies.at(-1)!)).toMatchObject({ details: { circuit: "open" } });
    expect(h.host.databaseCircuit).toBe("open");
    console.log(`database down: 6 calls answered SFN_DB_UNAVAILABLE in ${elapsed.toFixed(0)} ms`);
    // Functions that do not touch the database keep working (dedup off for idempotent functions).
    expect(resultOf(await h.call("echo", { text: "still here" }))).toEqual({ text: "still here" });

    await proxy.restore();
    await expect
      .poll(async () => (await h.call("addNote", { text: "after-outage" })).body, {
        timeout: 15_000,
        interval: 200,
      })
      .toMatchObject({ status: "success" });
    expect(h.host.databaseCircuit).toBe("closed");
    for (let i = 0; i < 6; i++) expect(await count(h, `outage-${i}`)).toBe(0);
    expect(await count(h, "before-outage")).toBe(1);
  });
});

describe("dedup off: the transaction begins only when the function uses its DataStore", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => alice, { dedup: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("commits writes, rolls back failed and timed-out ones, and runs duplicates again", async () => {
    const callId = newCallId();
    await h.call("addNote", { text: "lazy" }, { callId });
    await h.call("addNote", { text: "lazy" }, { callId });
    await expect.poll(() => h.caller.replies.get(callId)?.length).toBe(2);
    expect(await count(h, "lazy")).toBe(2);
    expect(errorOf(await h.call("lateWrite", { text: "lazy-late", ms: 300 }))).toMatchObject({
      code: "SFN_TIMEOUT",
    });
    expect(resultOf(await h.call("echo", { text: "no database" }))).toEqual({ text: "no database" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await count(h, "lazy-late")).toBe(0);
  });
});

describe("dead-letter table and sfn dlq", () => {
  let h: Harness;
  const output = { out: "", err: "" };
  const io = {
    out: (t: string) => {
      output.out += t;
    },
    err: (t: string) => {
      output.err += t;
    },
  };
  const dlq = async (...args: string[]) => {
    output.out = "";
    output.err = "";
    const code = await runDlqCommand(args, io, {
      SFN_DATABASE_URL: h.db.url,
      SFN_MQTT_URL: process.env.SFN_MQTT_URL,
      SFN_TOPIC_PREFIX: h.prefix,
    });
    return { code, ...output };
  };
  beforeAll(async () => {
    h = await startHarness(() => alice);
  });
  afterAll(async () => {
    switches.flakyHealed = false;
    await h?.close();
  });

  it("keeps each dead letter with its envelope (no token), caller, error and attempts; lists and shows it", async () => {
    const reply = await h.call("raise", { kind: "internal" });
    expect(errorOf(reply)).toMatchObject({ code: "SFN_INTERNAL" });
    const listed = await dlq("list", "--service", h.name, "--json");
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.out) as (DeadLetter & {
      id: string;
      subject: string;
      callId: string;
    })[];
    const letter = letters.find((l) => l.callId === reply.callId)!;
    expect(letter).toMatchObject({
      service: h.name,
      function: "raise",
      attempts: 3,
      subject: findFixtureUser("alice")!.id,
      error: { type: "SystemError", code: "SFN_INTERNAL" },
      envelope: { callId: reply.callId, body: { function: "raise", parameters: { kind: "internal" } } },
    });
    expect(JSON.stringify(letter)).not.toContain(alice);
    const shown = await dlq("show", letter.id);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ id: letter.id, callId: reply.callId });
    const table = await dlq("list", "--service", h.name);
    expect(table.out).toContain(`${h.name}.raise  SystemError/SFN_INTERNAL  attempts 3`);
    expect((await dlq("show", "999999999")).code).toBe(1);
    expect((await dlq("frobnicate")).code).toBe(2);
  });

  it("replays a dead letter with a fresh token: executes once, records the outcome", async () => {
    const reply = await h.call("flaky", { text: "replayed" });
    expect(errorOf(reply)).toMatchObject({ type: "SystemError", code: "SFN_DEAD_LETTERED" });
    const letters = JSON.parse((await dlq("list", "--service", h.name, "--json")).out) as {
      id: string;
      callId: string;
      attempts: number;
    }[];
    const letter = letters.find((l) => l.callId === reply.callId)!;
    expect(letter.attempts).toBe(1);

    const refused = await dlq("replay", letter.id); // no token: the function needs one
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^Unauthorized SFN_UNAUTHENTICATED/);

    switches.flakyHealed = true;
    const replayed = await dlq("replay", letter.id, "--token", alice, "--timeout", "15000");
    expect(replayed.code, replayed.err).toBe(0);
    expect(JSON.parse(replayed.out)).toEqual({ id: expect.any(String) });
    expect(await count(h, "replayed")).toBe(1);
    const after = JSON.parse((await dlq("show", letter.id)).out);
    expect(after).toMatchObject({ replayCount: 2, lastReplay: { status: "success" } });
    const pending = JSON.parse((await dlq("list", "--service", h.name, "--pending", "--json")).out) as {
      id: string;
    }[];
    expect(pending.map((l) => l.id)).not.toContain(letter.id);
  });
});

describe("purge of processed-call records", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(() => alice, { dedupTtlSeconds: 1, purgeIntervalMs: 250 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("removes expired records on its schedule; the call's effects stay", async () => {
    const callId = newCallId();
    expect(resultOf(await h.call("addNote", { text: "purged-record" }, { callId }))).toEqual({
      id: expect.any(String),
    });
    const records = () =>
      h.db.count("SELECT count(*) AS n FROM sfn.processed_calls WHERE call_id = $1", [callId]);
    expect(await records()).toBe(1);
    await expect.poll(records, { timeout: 10_000, interval: 100 }).toBe(0);
    expect(await count(h, "purged-record")).toBe(1);
  });
});

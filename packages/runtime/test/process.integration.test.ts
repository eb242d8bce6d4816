import { createCallEnvelope, type Envelope, newCallId } from "@sfn/contracts";
import { mintToken } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { env, uniqueName } from "./support/harness.js";
import { startHostProcess } from "./support/host-process.js";
import { notesContract } from "./support/notes-service.js";
import { RawCaller } from "./support/raw-caller.js";

// The host as its own process (runService: env configuration, pino, HTTP endpoints, signals),
// written with the @service/@fn decorators.

let db: TestDatabase;
let token: string;
beforeAll(async () => {
  db = await createTestDatabase();
  token = await mintToken("alice");
});
afterAll(async () => {
  await db?.drop();
});

async function world(stem: string) {
  const name = uniqueName(stem);
  const prefix = `rt-${name}`;
  const caller = new RawCaller(prefix);
  await caller.connect(env("SFN_MQTT_URL"));
  const topic = `${prefix}/service/${name}`;
  const send = async (
    fn: string,
    parameters: Record<string, unknown>,
    callId = newCallId(),
    timeoutMs = 120_000,
  ) => {
    const envelope = createCallEnvelope({
      function: fn,
      parameters,
      replyTo: caller.replyTo,
      callId,
      timeoutMs,
      headers: { authorization: `Bearer ${token}` },
    });
    await caller.publish(topic, JSON.stringify(envelope));
    return envelope;
  };
  return { name, prefix, caller, send };
}

const rows = (text: string) =>
  db.count("SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' LIKE $1", [
    text,
  ]);
const status = (e: Envelope) => (e.body as { status: string }).status;

describe("host process", () => {
  it("the contract of the decorated class matches the shared contract", () => {
    expect(Object.keys(notesContract("X").functions)).toContain("slowAdd");
  });

  it("serves /healthz, /readyz, /metrics and drains in-flight calls on SIGTERM", async () => {
    const w = await world("Drain");
    const port = 21_000 + Math.floor(Math.random() * 2000);
    const host = await startHostProcess(w.name, {
      prefix: w.prefix,
      databaseUrl: db.url,
      replicaId: "d",
      httpPort: port,
    });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const calls = await Promise.all(
      Array.from({ length: 4 }, (_, i) => w.send("slowAdd", { text: `drain-${i}`, ms: 1500 })),
    );
    await expect
      .poll(
        async () =>
          (await (await fetch(`${base}/metrics`)).text()).match(/sfn_calls_in_flight\{[^}]*\} (\d+)/)?.[1],
        {
          timeout: 10_000,
        },
      )
      .toBe("4");
    host.child.kill("SIGTERM");
    const replies = await Promise.all(calls.map((c) => w.caller.waitFor(c.callId!, 20_000)));
    expect(replies.map(status)).toEqual(["success", "success", "success", "success"]);
    expect(await host.exited).toBe(0);
    expect(await rows("drain-%")).toBe(4);
    await w.caller.close();
  });

  it("kill -9 with 5,000 calls in flight, restart: every call answered, one insert per call", {
    timeout: 240_000,
  }, async () => {
    const w = await world("Kill");
    const settings = { prefix: w.prefix, databaseUrl: db.url, replicaId: "k", concurrency: 8 };
    const first = await startHostProcess(w.name, settings);
    const N = 5_000;
    // All 5,000 QoS 1 calls are published (acknowledged by the broker) before the kill. Generous
    // deadlines: this suite shares two cores with others, and an expired call would not run.
    const calls: Envelope[] = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        w.send("slowAdd", { text: `kill-${i}`, ms: 5 }, newCallId(), 600_000),
      ),
    );
    await expect.poll(() => w.caller.replies.size, { timeout: 60_000, interval: 5 }).toBeGreaterThan(20);
    first.child.kill("SIGKILL");
    await first.exited;
    const answeredBeforeKill = w.caller.replies.size;
    const second = await startHostProcess(w.name, settings);
    try {
      await expect
        .poll(() => calls.filter((c) => !w.caller.replies.has(c.callId!)).length, {
          timeout: 200_000,
          interval: 100,
        })
        .toBe(0);
      const failures = calls
        .flatMap((c) => w.caller.replies.get(c.callId!)!)
        .filter((r) => status(r) !== "success")
        .map((r) => JSON.stringify(r.body));
      expect(failures.slice(0, 3), `${failures.length} error replies`).toEqual([]);
      for (const c of calls) {
        const got = w.caller.replies.get(c.callId!)!;
        for (const r of got) expect(r.body).toEqual(got[0]!.body);
      }
      expect(await rows("kill-%")).toBe(N);
      const duplicates = calls.filter((c) => w.caller.replies.get(c.callId!)!.length > 1).length;
      console.log(
        `kill -9: ${answeredBeforeKill}/${N} answered before the kill (${N - answeredBeforeKill} in flight); ${duplicates} calls got a re-sent stored reply`,
      );
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
      await w.caller.close();
    }
  });
});

import { mintToken } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, resultOf, startHarness } from "./support/harness.js";
import { sleep } from "./support/notes-service.js";

// Graceful stop on the real fixture: what the broker had already sent when the stop began is answered.

let h: Harness;
let alice: string;
const notes = (pattern: string) =>
  h.db.count("SELECT count(*) AS n FROM sfn.documents WHERE collection = 'notes' AND data->>'text' LIKE $1", [
    pattern,
  ]);

beforeAll(async () => {
  alice = await mintToken("alice");
  // One call at a time on one connection: calls sent while one runs wait in the socket, behind it.
  h = await startHarness(() => alice, { concurrency: 1, connections: 1 });
});
afterAll(async () => {
  await h?.close();
});

describe("stop", () => {
  it("answers the calls the broker sent before the UNSUBACK, not only the one running", async () => {
    const slow = h.envelope("slowAdd", { text: "drain-slow", ms: 1500 });
    await h.caller.publish(h.serviceTopic, JSON.stringify(slow));
    await new Promise((r) => setTimeout(r, 300)); // slowAdd is running
    const queued = Array.from({ length: 5 }, (_, i) => h.envelope("addNote", { text: `drain-q${i}` }));
    for (const e of queued) await h.caller.publish(h.serviceTopic, JSON.stringify(e));
    // Delivered to the host's socket by then (loopback, even on a loaded machine), behind slowAdd.
    await new Promise((r) => setTimeout(r, 600));

    const stopped = h.host.stop({ graceMs: 5000 });
    await expect(Promise.race([stopped.then(() => "stopped"), sleep(10_000)])).resolves.toBe("stopped");

    for (const e of [slow, ...queued]) {
      expect(resultOf(await h.caller.waitFor(e.callId!, 2000))).toMatchObject({ id: expect.any(String) });
    }
    expect(await notes("drain-%")).toBe(6);
  });
});

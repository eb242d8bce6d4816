import { BusinessLogicError, createCallEnvelope, type Envelope, type ErrorInfo } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { defineService } from "../authoring/define-service.js";
import { deadLetterNow, dropMessage, retryLater } from "../authoring/poison.js";
import { silentLogger } from "../observability/logger.js";
import { FakeTransport } from "../testing/fake-transport.js";
import { echoContract, fakeAuthenticator } from "../testing/fixtures.js";
import { createServiceHost } from "./service-host.js";

// A function's answers about a message it cannot process: retry later, dead-letter now, drop.

const REPLY_TO = "reply/poison-session";

async function hostWith(echo: (p: { text: string }) => unknown, retryLaterLimit = 5) {
  const transport = new FakeTransport();
  const noop = async () => null;
  const service = defineService({
    name: "EchoService",
    contract: echoContract,
    functions: { echo, ping: noop, fail: noop, slow: noop, whoami: noop, bad: noop },
  });
  const host = createServiceHost({
    service,
    transport,
    authenticator: fakeAuthenticator,
    logger: silentLogger,
    retryLaterLimit,
  });
  await host.start();
  const send = async (text: string) => {
    const env = createCallEnvelope({
      function: "echo",
      parameters: { text },
      replyTo: REPLY_TO,
      headers: { authorization: "Bearer good-alice" },
      timeoutMs: 5_000,
    });
    await transport.deliver(env);
    return env;
  };
  const replies = () => transport.published.filter((p) => p.topic === REPLY_TO).map((p) => p.envelope);
  const letters = () =>
    transport.published.filter((p) => p.topic === "dlq/EchoService").map((p) => p.envelope);
  return { transport, host, send, replies, letters };
}

const errorOf = (e: Envelope) => (e.body as { error: ErrorInfo }).error;

describe("poison answers", () => {
  it("retry-later runs the message again after the delay, then replies its result", async () => {
    let runs = 0;
    const w = await hostWith(async (p) => {
      runs++;
      if (runs < 3) throw retryLater("not yet", { delayMs: 5 });
      return { text: p.text };
    });
    await w.send("later");
    expect(runs).toBe(3);
    expect(w.replies()).toHaveLength(1);
    expect(w.replies()[0]!.body).toEqual({ status: "success", result: { text: "later" } });
    expect(w.letters()).toHaveLength(0);
    expect(w.transport.acked).toBe(1);
    await w.host.stop();
  });

  it("retry-later past the limit dead-letters the message and replies SFN_RETRY_LATER_EXHAUSTED", async () => {
    let runs = 0;
    const w = await hostWith(async () => {
      runs++;
      throw retryLater("locked", { delayMs: 1 });
    }, 2);
    await w.send("never");
    expect(runs).toBe(3);
    expect(errorOf(w.replies()[0]!)).toMatchObject({
      type: "SystemError",
      code: "SFN_RETRY_LATER_EXHAUSTED",
      details: { reason: "locked" },
    });
    expect(w.letters()).toHaveLength(1);
    expect(w.letters()[0]!.body).toMatchObject({ function: "echo", attempts: 3 });
    await w.host.stop();
  });

  it("dead-letter-now skips retries, dead-letters without the token and replies the given error", async () => {
    let runs = 0;
    const w = await hostWith(async () => {
      runs++;
      throw deadLetterNow("unknown product", {
        error: new BusinessLogicError("no such product", { code: "PRODUCT_UNKNOWN" }),
      });
    });
    const env = await w.send("x");
    expect(runs).toBe(1);
    expect(errorOf(w.replies()[0]!)).toMatchObject({ type: "BusinessLogicError", code: "PRODUCT_UNKNOWN" });
    const letter = w.letters()[0]!;
    expect(letter.body).toMatchObject({
      service: "EchoService",
      attempts: 1,
      error: { code: "PRODUCT_UNKNOWN" },
      envelope: { callId: env.callId },
    });
    expect(JSON.stringify(letter)).not.toContain("good-alice");
    await w.host.stop();
  });

  it("dead-letter-now without an error replies SystemError SFN_DEAD_LETTERED", async () => {
    const w = await hostWith(async () => {
      throw deadLetterNow("corrupt order");
    });
    await w.send("x");
    expect(errorOf(w.replies()[0]!)).toEqual({
      type: "SystemError",
      code: "SFN_DEAD_LETTERED",
      message: "corrupt order",
    });
    await w.host.stop();
  });

  it("drop acknowledges without a reply or a dead letter, and the host keeps serving", async () => {
    const w = await hostWith(async (p) => {
      if (p.text === "stale") throw dropMessage("superseded");
      return { text: p.text };
    });
    await w.send("stale");
    expect(w.transport.published).toHaveLength(0);
    expect(w.transport.acked).toBe(1);
    expect(await w.host.metrics.registry.getSingleMetricAsString("sfn_poison_messages_total")).toMatch(
      / 1$/m,
    );
    await w.send("fresh");
    expect(w.replies()[0]!.body).toEqual({ status: "success", result: { text: "fresh" } });
    await w.host.stop();
  });
});

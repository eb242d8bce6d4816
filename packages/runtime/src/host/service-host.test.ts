import {
  BusinessLogicError,
  createCallEnvelope,
  type Envelope,
  type ErrorInfo,
  SystemError,
} from "@sfn/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineService } from "../authoring/define-service.js";
import { silentLogger } from "../observability/logger.js";
import { FakeTransport } from "../testing/fake-transport.js";
import { echoContract, fakeAuthenticator } from "../testing/fixtures.js";
import { createServiceHost, type ServiceHost } from "./service-host.js";

const REPLY_TO = "reply/test-session";
let failures = 0;

const echoService = defineService({
  name: "EchoService",
  contract: echoContract,
  functions: {
    echo: async (p) => ({ text: (p as { text: string }).text }),
    ping: async () => "pong",
    fail: async () => {
      failures++;
      if ((failures as number) > 0) throw new Error("secret internal detail");
      return null;
    },
    slow: (_p, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve("late"))),
    whoami: async (_p, ctx) => ({
      userId: ctx.user?.userId,
      callId: ctx.callId,
      traceparent: ctx.headers.traceparent,
      deadline: ctx.headers.deadline,
    }),
    bad: async () => ({ notText: 1 }),
  },
});

function call(fn: string, parameters: Record<string, unknown>, token: string | null = "good-alice") {
  return createCallEnvelope({
    function: fn,
    parameters,
    replyTo: REPLY_TO,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    timeoutMs: 5_000,
  });
}

describe("service host call pipeline (protocol.md §7)", () => {
  let transport: FakeTransport;
  let host: ServiceHost;
  const lastReply = (): Envelope => transport.published.filter((p) => p.topic === REPLY_TO).at(-1)!.envelope;
  const lastError = () => (lastReply().body as { error: ErrorInfo }).error;

  beforeEach(async () => {
    failures = 0;
    transport = new FakeTransport();
    host = createServiceHost({
      service: echoService,
      transport,
      authenticator: fakeAuthenticator,
      logger: silentLogger,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      validateOutput: true,
    });
    await host.start();
  });
  afterEach(() => host.stop());

  it("replies success with the same callId and acknowledges", async () => {
    const env = call("echo", { text: "hi" });
    await transport.deliver(env);
    expect(lastReply()).toMatchObject({
      callId: env.callId,
      body: { status: "success", result: { text: "hi" } },
    });
    expect(lastReply().replyTo).toBeUndefined();
    expect(lastReply().headers.authorization).toBeUndefined();
    expect(transport.acked).toBe(1);
  });

  it("binds the caller's identity and callId into the context", async () => {
    const env = call("whoami", {}, "good-bob");
    await transport.deliver(env);
    expect(lastReply().body).toMatchObject({
      status: "success",
      result: { userId: "bob", callId: env.callId },
    });
  });

  it("passes the incoming call's headers to the function", async () => {
    const env = call("whoami", {}, "good-bob");
    env.headers.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await transport.deliver(env);
    expect(lastReply().body).toMatchObject({
      status: "success",
      result: { traceparent: env.headers.traceparent, deadline: env.headers.deadline },
    });
  });

  it("drops malformed payloads as poison and keeps serving", async () => {
    await transport.deliver("not json {");
    await transport.deliver(Buffer.from([0xff, 0xfe, 0x00]));
    expect(transport.published).toHaveLength(0);
    expect(transport.acked).toBe(2);
    await transport.deliver(call("ping", {}, null));
    expect(lastReply().body).toMatchObject({ status: "success", result: "pong" });
  });

  it("answers an invalid envelope with SFN_ENVELOPE_INVALID when replyTo is usable", async () => {
    await transport.deliver({ ...call("echo", { text: "x" }), extra: 1 });
    expect(lastError()).toMatchObject({ type: "ValidationError", code: "SFN_ENVELOPE_INVALID" });
  });

  it("answers an unsupported major version with SFN_PROTOCOL_UNSUPPORTED", async () => {
    await transport.deliver({ ...call("echo", { text: "x" }), protocolVersion: "2.0" });
    expect(lastError()).toMatchObject({ type: "ValidationError", code: "SFN_PROTOCOL_UNSUPPORTED" });
  });

  it("answers a call without callId with SFN_CALL_INVALID and no callId", async () => {
    const { callId: _c, ...env } = call("echo", { text: "x" });
    await transport.deliver(env);
    expect(lastError()).toMatchObject({ type: "ValidationError", code: "SFN_CALL_INVALID" });
    expect(lastReply().callId).toBeUndefined();
  });

  it("treats a message without replyTo as poison", async () => {
    const { replyTo: _r, ...env } = call("echo", { text: "x" });
    await transport.deliver(env);
    expect(transport.published).toHaveLength(0);
    expect(transport.acked).toBe(1);
  });

  it("answers oversized payloads with SFN_PAYLOAD_TOO_LARGE through the response topic property", async () => {
    const big = Buffer.alloc(1_048_577, 0x20);
    await transport.deliver(big, {
      responseTopic: REPLY_TO,
      correlationData: Buffer.from("abcdefghijklmnopqrstuv"),
    });
    expect(lastError()).toMatchObject({ type: "ValidationError", code: "SFN_PAYLOAD_TOO_LARGE" });
    expect(lastReply().callId).toBe("abcdefghijklmnopqrstuv");
  });

  it("refuses expired deadlines with SFN_DEADLINE_EXPIRED", async () => {
    const env = call("echo", { text: "x" });
    env.headers.deadline = String(Date.now() - 1);
    await transport.deliver(env);
    expect(lastError()).toMatchObject({ type: "TimeoutError", code: "SFN_DEADLINE_EXPIRED" });
  });

  it("requires a token, including for unknown functions", async () => {
    await transport.deliver(call("echo", { text: "x" }, null));
    expect(lastError()).toMatchObject({
      type: "Unauthorized",
      code: "SFN_UNAUTHENTICATED",
      details: { reason: "token_missing" },
    });
    await transport.deliver(call("nope", {}, null));
    expect(lastError()).toMatchObject({ type: "Unauthorized", code: "SFN_UNAUTHENTICATED" });
  });

  it("rejects a forged token with its reason", async () => {
    await transport.deliver(call("echo", { text: "x" }, "forged"));
    expect(lastError()).toMatchObject({
      type: "Unauthorized",
      code: "SFN_UNAUTHENTICATED",
      details: { reason: "signature_invalid" },
    });
  });

  it("answers unknown functions with SFN_FUNCTION_NOT_FOUND", async () => {
    await transport.deliver(call("nope", {}));
    expect(lastError()).toMatchObject({
      type: "NotFound",
      code: "SFN_FUNCTION_NOT_FOUND",
      details: { function: "nope" },
    });
  });

  it("collects every parameter violation", async () => {
    await transport.deliver(call("echo", { text: "x".repeat(51), email: "not-an-email", extra: true }));
    const error = lastError();
    expect(error).toMatchObject({ type: "ValidationError", code: "SFN_PARAMETERS_INVALID" });
    const paths = (error.details as { violations: { path: string }[] }).violations.map((v) => v.path).sort();
    expect(paths).toEqual(["/body/parameters", "/body/parameters/email", "/body/parameters/text"]);
  });

  it("hides unexpected exceptions as SFN_INTERNAL, retries them and dead-letters without the token", async () => {
    const env = call("fail", {});
    await transport.deliver(env);
    expect(lastError()).toEqual({ type: "SystemError", code: "SFN_INTERNAL", message: "internal error" });
    expect(failures).toBe(3);
    const dlq = transport.published.find((p) => p.topic === "dlq/EchoService");
    expect(dlq?.envelope.body).toMatchObject({ service: "EchoService", function: "fail", attempts: 3 });
    expect(JSON.stringify(dlq?.envelope)).not.toContain("good-alice");
  });

  it("aborts functions past their time limit with SFN_TIMEOUT", async () => {
    await transport.deliver(call("slow", {}));
    expect(lastError()).toMatchObject({ type: "TimeoutError", code: "SFN_TIMEOUT" });
  });

  it("rejects results that break the output schema in development mode", async () => {
    await transport.deliver(call("bad", {}));
    expect(lastError()).toMatchObject({ type: "SystemError", code: "SFN_RESULT_INVALID", retryable: false });
  });
});

describe("typed errors raised by functions", () => {
  it("travel as their ErrorInfo, business errors unretried", async () => {
    let runs = 0;
    const transport = new FakeTransport();
    const svc = defineService({
      name: "EchoService",
      contract: echoContract,
      functions: {
        echo: async () => {
          runs++;
          throw new BusinessLogicError("taken", { code: "EMAIL_TAKEN", details: { field: "email" } });
        },
        ping: async () => {
          runs++;
          throw new SystemError("db down", { code: "DB_DOWN", retryable: false });
        },
        fail: async () => null,
        slow: async () => null,
        whoami: async () => null,
        bad: async () => null,
      },
    });
    const host = createServiceHost({
      service: svc,
      transport,
      authenticator: fakeAuthenticator,
      logger: silentLogger,
    });
    await host.start();
    await transport.deliver(call("echo", { text: "x" }));
    expect(transport.published.at(-1)!.envelope.body).toMatchObject({
      status: "error",
      error: { type: "BusinessLogicError", code: "EMAIL_TAKEN", details: { field: "email" } },
    });
    expect(runs).toBe(1);
    await transport.deliver(call("ping", {}, null));
    expect(runs).toBe(2);
    expect(transport.published.map((p) => p.topic)).toEqual([REPLY_TO, "dlq/EchoService", REPLY_TO]);
    await host.stop();
  });
});

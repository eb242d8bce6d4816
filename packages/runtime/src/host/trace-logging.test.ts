import { createCallEnvelope } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { defineService } from "../authoring/define-service.js";
import type { RuntimeLogger } from "../observability/logger.js";
import { FakeTransport } from "../testing/fake-transport.js";
import { echoContract, fakeAuthenticator } from "../testing/fixtures.js";
import { createServiceHost } from "./service-host.js";

// Log lines of a call carry its callId and the W3C trace it belongs to.

function recordingLogger(lines: object[], bindings: object = {}): RuntimeLogger {
  const write = (obj: object, msg?: string) => lines.push({ ...bindings, ...obj, msg });
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

describe("call logs", () => {
  it("bind callId, function, traceId and spanId for the function and the host's own lines", async () => {
    const lines: object[] = [];
    const transport = new FakeTransport();
    const noop = async () => null;
    const host = createServiceHost({
      service: defineService({
        name: "EchoService",
        contract: echoContract,
        functions: {
          echo: async (p: { text: string }, ctx) => {
            ctx.logger.info({}, "inside");
            return p;
          },
          ping: noop,
          fail: noop,
          slow: noop,
          whoami: noop,
          bad: noop,
        },
      }),
      transport,
      authenticator: fakeAuthenticator,
      logger: recordingLogger(lines),
    });
    await host.start();
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const env = createCallEnvelope({
      function: "echo",
      parameters: { text: "x" },
      replyTo: "reply/t",
      headers: { authorization: "Bearer good-alice", traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      timeoutMs: 5_000,
    });
    await transport.deliver(env);
    await transport.deliver({
      ...env,
      callId: "abcdefghijklmnopqrstuvw",
      body: { function: "nope", parameters: {} },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: "inside",
        callId: env.callId,
        function: "echo",
        traceId,
        spanId: "b7ad6b7169203331",
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "error reply", code: "SFN_FUNCTION_NOT_FOUND", traceId }),
    );
    await host.stop();
  });
});

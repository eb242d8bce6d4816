import {
  type Authorizer,
  createCallEnvelope,
  type Envelope,
  type Messaging,
  type UserContext,
} from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import type { CallContext } from "../authoring/call-context.js";
import { defineService } from "../authoring/define-service.js";
import { silentLogger } from "../observability/logger.js";
import { FakeTransport } from "../testing/fake-transport.js";
import { echoContract } from "../testing/fixtures.js";
import { createServiceHost } from "./service-host.js";

const JWT = "Bearer aaa.bbb.ccc";
const noop = async () => null;

function setup(functions: Partial<Record<string, (p: unknown, ctx: CallContext) => unknown>>) {
  const counts = { messaging: 0, authorizer: 0, validations: 0 };
  const transport = new FakeTransport();
  const host = createServiceHost({
    service: defineService({
      name: "EchoService",
      contract: echoContract,
      functions: { echo: noop, ping: noop, fail: noop, slow: noop, whoami: noop, bad: noop, ...functions },
    }),
    transport,
    authenticator: {
      mode: "jwt",
      async validateToken(token: string): Promise<UserContext> {
        counts.validations++;
        return { userId: token.split(".")[0]!, roles: [], groups: [] };
      },
    } as never,
    messagingFor: () => {
      counts.messaging++;
      return { send: async () => {} } as unknown as Messaging;
    },
    authorizerFor: () => {
      counts.authorizer++;
      return {} as Authorizer;
    },
    logger: silentLogger,
  });
  const call = (fn: string, authorization = JWT) =>
    transport.deliver(
      createCallEnvelope({
        function: fn,
        parameters: fn === "echo" ? { text: "x" } : {},
        replyTo: "reply/lazy",
        headers: { authorization },
      }),
    );
  const lastBody = () => (transport.published.at(-1)!.envelope as Envelope).body as Record<string, unknown>;
  return { host, counts, call, lastBody };
}

describe("per-call injection and token validation", () => {
  it("builds the caller's Messaging and Authorizer only for a function that reads them", async () => {
    const { host, counts, call, lastBody } = setup({
      echo: async () => ({ text: "plain" }),
      whoami: async (_p, ctx) => {
        const first = ctx.messaging;
        return {
          messaging: first !== undefined,
          same: first === ctx.messaging,
          authorizer: ctx.authorizer !== undefined,
        };
      },
    });
    await host.start();
    await call("echo");
    expect(lastBody()).toEqual({ status: "success", result: { text: "plain" } });
    expect(counts).toMatchObject({ messaging: 0, authorizer: 0 });
    await call("whoami");
    expect(lastBody()).toEqual({
      status: "success",
      result: { messaging: true, same: true, authorizer: true },
    });
    expect(counts).toMatchObject({ messaging: 1, authorizer: 1 });
    await host.stop();
  });

  it("still copies every member when a function spreads its context", async () => {
    const { host, call, lastBody } = setup({
      whoami: async (_p, ctx) => {
        const copy = { ...ctx };
        return {
          keys: Object.keys(copy).sort(),
          logger: typeof copy.logger.info,
          aborted: copy.signal.aborted,
          headers: Object.isFrozen(copy.headers),
        };
      },
    });
    await host.start();
    await call("whoami");
    const result = lastBody().result as {
      keys: string[];
      logger: string;
      aborted: boolean;
      headers: boolean;
    };
    expect(result.keys).toEqual(
      [
        "authorizer",
        "callId",
        "config",
        "dataStore",
        "deadline",
        "function",
        "headers",
        "logger",
        "messaging",
        "signal",
        "user",
      ].sort(),
    );
    expect(result).toMatchObject({ logger: "function", aborted: false, headers: true });
    await host.stop();
  });

  it("validates a repeated JWT once, and each distinct token on its own", async () => {
    const { host, counts, call, lastBody } = setup({
      whoami: async (_p, ctx) => ({ userId: ctx.user?.userId }),
    });
    await host.start();
    await call("whoami");
    await call("whoami");
    await call("whoami");
    expect(counts.validations).toBe(1);
    expect(lastBody().result).toEqual({ userId: "aaa" });
    await call("whoami", "Bearer bob.bbb.ccc");
    expect(counts.validations).toBe(2);
    expect(lastBody().result).toEqual({ userId: "bob" });
    await host.stop();
  });
});

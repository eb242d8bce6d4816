import { SfnError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../observability/logger.js";
import { echoContract } from "../testing/fixtures.js";
import type { CallContext } from "./call-context.js";
import { fn, type ServiceDependencies, service, serviceFromClass } from "./decorators.js";
import { defineService } from "./define-service.js";

const noop = async () => null;
const allFunctions = { echo: noop, ping: noop, fail: noop, slow: noop, whoami: noop, bad: noop };

function ctx(userId: string): CallContext {
  return {
    user: { userId, roles: [], groups: [] },
    dataStore: undefined,
    messaging: undefined,
    authorizer: undefined,
    config: { greeting: "hello" },
    logger: silentLogger,
    signal: new AbortController().signal,
    callId: "abcdefghijklmnopqrstuv",
    headers: {},
    function: "echo",
    deadline: Date.now() + 1000,
  };
}

describe("defineService", () => {
  it("requires a handler for every contract function and nothing else", () => {
    const { echo: _e, ...missing } = allFunctions;
    const error = (() => {
      try {
        defineService({
          name: "EchoService",
          contract: echoContract,
          functions: { ...missing, extra: noop },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(SfnError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      type: "ValidationError",
      details: { missing: ["echo"], unknown: ["extra"] },
    });
  });

  it("rejects a contract of another service", () => {
    expect(() => defineService({ name: "Other", contract: echoContract, functions: allFunctions })).toThrow(
      expect.objectContaining({ type: "ValidationError" }),
    );
  });
});

// vitest transforms TypeScript with oxc, which does not implement TC39 decorators yet, so this suite
// applies the decorators the way the standard does (method decorators, then the class decorator, one
// shared metadata object). The `@service`/`@fn` syntax itself runs in the integration host process
// (test/support/echo-host.ts, executed by tsx/esbuild) and is type-checked by tsc.
function decorate<C extends new (deps: ServiceDependencies) => object>(
  cls: C,
  name: string,
  methods: Record<string, string>,
): C {
  const metadata: Record<PropertyKey, unknown> = {};
  for (const [fnName, method] of Object.entries(methods)) {
    fn(fnName)(cls.prototype[method as keyof typeof cls.prototype], {
      kind: "method",
      name: method,
      static: false,
      private: false,
      metadata,
      access: { has: () => true, get: () => undefined },
      addInitializer: () => undefined,
    } as unknown as ClassMethodDecoratorContext);
  }
  service(name)(cls, {
    kind: "class",
    name: cls.name,
    metadata,
    addInitializer: () => undefined,
  } as unknown as ClassDecoratorContext<C>);
  return cls;
}

describe("@service / @fn decorators", () => {
  class EchoService {
    constructor(private readonly deps: ServiceDependencies) {}
    async echo(p: { text: string }) {
      return { text: `${this.deps.config.greeting} ${p.text} from ${this.deps.user?.userId}` };
    }
    async other() {
      return this.deps.callId;
    }
  }
  decorate(EchoService, "EchoService", {
    echo: "echo",
    ping: "other",
    fail: "other",
    slow: "other",
    whoami: "other",
    bad: "other",
  });

  it("builds a definition that constructs the class per call with the caller's dependencies", async () => {
    const definition = serviceFromClass(EchoService, echoContract);
    expect(definition.name).toBe("EchoService");
    expect(Object.keys(definition.functions).sort()).toEqual(Object.keys(allFunctions).sort());
    await expect(definition.functions.echo!({ text: "x" }, ctx("alice"))).resolves.toEqual({
      text: "hello x from alice",
    });
    await expect(definition.functions.echo!({ text: "y" }, ctx("bob"))).resolves.toEqual({
      text: "hello y from bob",
    });
    await expect(definition.functions.whoami!({}, ctx("bob"))).resolves.toBe("abcdefghijklmnopqrstuv");
  });

  it("refuses an undecorated class", () => {
    class Plain {}
    expect(() => serviceFromClass(Plain, echoContract)).toThrow(
      expect.objectContaining({ type: "ValidationError" }),
    );
  });
});

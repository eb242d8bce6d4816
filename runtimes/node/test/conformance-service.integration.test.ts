// The Node conformance service on the shared fixture, launched exactly as conformance/runtimes/node.json
// says, called through @sfn/runtime's createClient over @sfn/messaging with real fixture tokens.
import { createHash, randomBytes } from "node:crypto";
import { createCallEnvelope, type Envelope, newCallId, SfnError, type UserContext } from "@sfn/contracts";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { createClient, type ServiceClient } from "@sfn/runtime";
import { fixtureUsers, issuerClient, mintToken, OPAQUE_RESOURCE } from "@sfn/testkit";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceFunctions } from "../conformance/conformance-service.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import {
  freePort,
  launchService,
  type RunningService,
  readLaunchFile,
  substitute,
} from "./support/launch.js";
import { RawCaller } from "./support/raw-caller.js";

type User = "alice" | "bob" | "carol" | "mallory";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the testkit global setup sets it)`);
  return value;
}

/** The launch file's variables: the fixture's, and this run's prefix, logical database and port. */
async function runVariables(db: TestDatabase, stem: string): Promise<Record<string, string>> {
  const run = randomBytes(4).toString("hex");
  return {
    SFN_MQTT_URL: env("SFN_MQTT_URL"),
    SFN_DATABASE_URL: db.url,
    SFN_OIDC_ISSUER: env("SFN_OIDC_ISSUER"),
    SFN_OIDC_AUDIENCE: env("SFN_OIDC_AUDIENCE"),
    SFN_OIDC_RESOURCE_CLIENT_ID: env("SFN_OIDC_RESOURCE_CLIENT_ID"),
    SFN_OIDC_RESOURCE_CLIENT_SECRET: env("SFN_OIDC_RESOURCE_CLIENT_SECRET"),
    RUN_TOPIC_PREFIX: `${stem}-${run}`,
    RUN_DATABASE: LOGICAL_DATABASE,
    RUN_HTTP_PORT: String(await freePort()),
    RUN_REPLICA_ID: `${stem}-${run}`,
    RUN_MQTT_PROTOCOL: "5",
  };
}

const LOGICAL_DATABASE = "conformance";

async function rejection(promise: Promise<unknown>): Promise<SfnError> {
  try {
    await promise;
  } catch (error) {
    if (SfnError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** One world: database, service process, a messaging client with the run's prefix, tokens. */
class World {
  db!: TestDatabase;
  vars!: Record<string, string>;
  service!: RunningService;
  messaging!: MessagingClient;
  readonly tokens = new Map<User, string>();

  async start(stem: string, extraEnv: Record<string, string> = {}, overrides: Record<string, string> = {}) {
    this.db = await createTestDatabase(LOGICAL_DATABASE);
    this.vars = { ...(await runVariables(this.db, stem)), ...overrides };
    this.service = await launchService(this.vars, extraEnv);
    this.messaging = await createMessagingClient({
      url: env("SFN_MQTT_URL"),
      topicPrefix: this.vars.RUN_TOPIC_PREFIX,
      logger: { warn: () => {}, error: () => {} },
    });
    for (const user of ["alice", "bob", "carol", "mallory"] as const)
      this.tokens.set(user, await mintToken(user));
  }

  get prefix(): string {
    return this.vars.RUN_TOPIC_PREFIX!;
  }

  user(user: User): UserContext {
    const u = fixtureUsers[user];
    return { userId: u.id, roles: [...u.roles], groups: [...u.groups], token: this.tokens.get(user) };
  }

  as(user: User) {
    return this.messaging.createMessaging(this.user(user));
  }

  client(user: User): ServiceClient<ConformanceFunctions> {
    return createClient<ConformanceFunctions>(this.as(user), "Conformance", {
      topicPrefix: this.prefix,
      timeoutMs: 20_000,
    });
  }

  documents(collection: string, name: string): Promise<number> {
    return this.db.count(
      "SELECT count(*) AS n FROM sfn.documents WHERE database = $1 AND collection = $2 AND data->>'name' = $3",
      [LOGICAL_DATABASE, collection, name],
    );
  }

  async close() {
    await this.messaging?.close();
    await this.service?.stop();
    await this.db?.drop();
  }
}

describe("the Node conformance service (conformance/runtimes/node.json on the shared fixture)", () => {
  const world = new World();
  let alice: ServiceClient<ConformanceFunctions>;

  beforeAll(async () => {
    expect(readLaunchFile().status).toBe("available");
    await world.start("conf-node");
    alice = world.client("alice");
  });
  afterAll(() => world.close());

  it("echo returns any JSON unchanged, integers up to 2^53 included", async () => {
    const value = { s: "x", n: 1.5, b: true, z: null, a: [1, "two", { three: 3 }], big: 9007199254740991 };
    expect(await alice.echo({ value })).toEqual({ value });
  });

  it("add validates its parameters and collects every violation", async () => {
    expect(await alice.add({ a: 2, b: 3 })).toEqual({ sum: 5 });
    const error = await rejection(alice.add({ a: "one", b: 2_000_000, c: 1 } as never));
    expect(error).toMatchObject({ type: "ValidationError", code: "SFN_PARAMETERS_INVALID" });
    expect((error.details as { violations: unknown[] }).violations.length).toBeGreaterThanOrEqual(3);
  });

  it("whoami shows the caller's UserContext without the raw token", async () => {
    const seen = (await alice.whoami({})) as Record<string, unknown>;
    expect(seen).toMatchObject({
      userId: fixtureUsers.alice.id,
      email: "alice@example.test",
      groups: ["staff"],
      tenant: "acme",
      hasToken: true,
    });
    expect(seen.roles).toContain("user");
    expect(Number.isInteger(seen.expiresAt)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(world.tokens.get("alice")!);
    expect(await world.client("bob").whoami({})).toMatchObject({ userId: fixtureUsers.bob.id, groups: [] });
  });

  it("creates, reads, updates and deletes a document as the caller", async () => {
    const created = (await alice.createDoc({ collection: "notes", data: { title: "t", body: "b" } })) as {
      id: string;
    };
    expect(created).toMatchObject({ owner: fixtureUsers.alice.id, title: "t", body: "b" });
    expect(await alice.getDoc({ collection: "notes", id: created.id })).toMatchObject({
      id: created.id,
      title: "t",
    });
    expect(
      await alice.updateDoc({ collection: "notes", id: created.id, data: { title: "t2" }, mode: "merge" }),
    ).toMatchObject({ title: "t2", body: "b" });
    expect(
      await world
        .client("bob")
        .getDoc({ collection: "notes", id: created.id })
        .catch((e) => e),
    ).toMatchObject({
      type: "NotFound",
      code: "SFN_NOT_FOUND",
    });
    expect(await alice.deleteDoc({ collection: "notes", id: created.id })).toEqual({ deleted: true });
    expect(await rejection(alice.getDoc({ collection: "notes", id: created.id }))).toMatchObject({
      type: "NotFound",
      code: "SFN_NOT_FOUND",
    });
  });

  it("queryDocs pages with totals, and an invalid page size is SFN_PAGE_INVALID", async () => {
    for (const n of [1, 2, 3, 4]) await alice.createDoc({ collection: "items", data: { name: `i${n}`, n } });
    const page = await alice.queryDocs({
      collection: "items",
      query: { filter: { n: { $gte: 2 } }, sort: [{ field: "n", direction: "desc" }] },
      page: 1,
      pageSize: 2,
    });
    expect(page).toMatchObject({ total: 3, page: 1, pageSize: 2, items: [{ n: 4 }, { n: 3 }] });
    expect(await rejection(alice.queryDocs({ collection: "items", pageSize: 0 }))).toMatchObject({
      type: "ValidationError",
      code: "SFN_PAGE_INVALID",
    });
  });

  it("counter executes once per callId: a repeated callId is answered from the stored reply", async () => {
    const callId = newCallId();
    expect(await alice.counter({ name: "dup" }, { callId })).toEqual({ value: 1 });
    expect(await alice.counter({ name: "dup" }, { callId })).toEqual({ value: 1 });
    expect(await world.documents("counters", "dup")).toBe(1);
    expect(await alice.counter({ name: "dup" })).toEqual({ value: 2 });
    expect(await world.documents("counters", "dup")).toBe(2);
  });

  it("concurrent duplicates of one callId, from five callers, run the function once", async () => {
    // One messaging client waits for one reply per callId, so each duplicate comes from its own client.
    const callers = await Promise.all(
      Array.from({ length: 5 }, () =>
        createMessagingClient({
          url: env("SFN_MQTT_URL"),
          topicPrefix: world.prefix,
          logger: { warn: () => {}, error: () => {} },
        }),
      ),
    );
    try {
      const callId = newCallId();
      const replies = await Promise.all(
        callers.map((caller) =>
          createClient<ConformanceFunctions>(caller.createMessaging(world.user("alice")), "Conformance", {
            topicPrefix: world.prefix,
          }).counter({ name: "concurrent", delayMs: 200 }, { callId }),
        ),
      );
      expect(replies).toEqual(Array.from({ length: 5 }, () => ({ value: 1 })));
      expect(await world.documents("counters", "concurrent")).toBe(1);
    } finally {
      await Promise.all(callers.map((caller) => caller.close()));
    }
  });

  it("notify publishes one-way messages to {p}conformance/notify/{topic}", async () => {
    const topic = `${world.prefix}/conformance/notify/t1`;
    const messages: Envelope[] = [];
    const subscription = await world.as("alice").subscribe(topic, (message) => {
      messages.push(message);
    });
    try {
      expect(await alice.notify({ topic: "t1", message: { hello: "world" }, count: 2 })).toBeNull();
      await expect.poll(() => messages.length, { timeout: 5_000 }).toBe(2);
      expect(messages[0]).toMatchObject({ body: { hello: "world" } });
      expect(messages[0]!.replyTo).toBeUndefined();
      expect(messages[0]!.messageId).not.toBe(messages[1]!.messageId);
    } finally {
      await subscription.unsubscribe();
    }
  });

  it("failBusiness raises BusinessLogicError with its code and details, SFN_BUSINESS_LOGIC by default", async () => {
    const error = await rejection(
      alice.failBusiness({ code: "OUT_OF_STOCK", details: { sku: "A1", available: 0 } }),
    );
    expect(error).toMatchObject({
      type: "BusinessLogicError",
      code: "OUT_OF_STOCK",
      details: { sku: "A1", available: 0 },
    });
    expect(await rejection(alice.failBusiness({}))).toMatchObject({ code: "SFN_BUSINESS_LOGIC" });
  });

  it("fail: typed default codes, opaque untyped errors, runtime retries per callId, rollback of writes", async () => {
    expect(await rejection(alice.fail({ type: "Conflict" }))).toMatchObject({
      type: "Conflict",
      code: "SFN_CONFLICT",
    });
    expect(await rejection(alice.fail({ untyped: true }))).toMatchObject({
      type: "SystemError",
      code: "SFN_INTERNAL",
      message: "internal error",
    });
    expect(await alice.fail({ type: "SystemError", code: "FLAKY", failAttempts: 2 })).toBeNull();
    const callId = newCallId();
    expect(
      await rejection(
        alice.fail({ type: "BusinessLogicError", code: "FIRST_ONLY", failAttempts: 1 }, { callId }),
      ),
    ).toMatchObject({ code: "FIRST_ONLY" });
    expect(
      await alice.fail({ type: "BusinessLogicError", code: "FIRST_ONLY", failAttempts: 1 }, { callId }),
    ).toBeNull();
    const writeCall = newCallId();
    await rejection(
      alice.fail(
        { type: "BusinessLogicError", code: "AFTER_WRITE", writeFirst: true },
        { callId: writeCall },
      ),
    );
    expect(
      await world.db.count(
        "SELECT count(*) AS n FROM sfn.documents WHERE collection = 'effects' AND data->>'callId' = $1",
        [writeCall],
      ),
    ).toBe(0);
  });

  it("slow honours its 2,000 ms time limit; badResult fails output validation in development mode", async () => {
    expect(await alice.slow({ ms: 50 })).toMatchObject({ sleptMs: expect.any(Number) });
    expect(await rejection(alice.slow({ ms: 5_000 }))).toMatchObject({
      type: "TimeoutError",
      code: "SFN_TIMEOUT",
    });
    expect(await rejection(alice.badResult({}))).toMatchObject({
      type: "SystemError",
      code: "SFN_RESULT_INVALID",
    });
  });

  it("grantPermission needs admin on the database; checkPermission sees grants and token roles", async () => {
    const bob = world.client("bob");
    expect(await bob.checkPermission({ collection: "notes", permission: "write" })).toEqual({
      granted: false,
    });
    const grantCall = newCallId();
    expect(
      await world
        .client("carol")
        .grantPermission(
          { userId: fixtureUsers.bob.id, collection: "notes", permissions: ["write"] },
          { callId: grantCall },
        ),
    ).toBeNull();
    // The grant change is audited with the call's id (datastore.audit.grant-change-row).
    expect(
      await world.db.count(
        "SELECT count(*) AS n FROM sfn.audit_log WHERE call_id = $1 AND subject = $2 AND decision = 'allow'",
        [grantCall, fixtureUsers.carol.id],
      ),
    ).toBe(1);
    expect(await bob.checkPermission({ collection: "notes", permission: "write" })).toEqual({
      granted: true,
    });
    expect(await bob.checkPermission({ collection: "other", permission: "write" })).toEqual({
      granted: false,
    });
    expect(
      await rejection(alice.grantPermission({ userId: fixtureUsers.bob.id, permissions: ["read"] })),
    ).toMatchObject({ type: "Forbidden", code: "SFN_FORBIDDEN" });
    expect(await alice.checkPermission({ permission: "read:own" })).toEqual({ granted: true });
    expect(await world.client("mallory").checkPermission({ permission: "read:own" })).toEqual({
      granted: false,
    });
  });

  it("callOther makes a nested call with the caller's token and trace, returning errors as data", async () => {
    expect(await world.client("bob").callOther({ function: "whoami", parameters: {} })).toMatchObject({
      outcome: "success",
      result: { userId: fixtureUsers.bob.id, hasToken: true },
    });
    expect(
      await alice.callOther({ function: "failBusiness", parameters: { code: "NESTED_FAIL" } }),
    ).toMatchObject({
      outcome: "error",
      error: { type: "BusinessLogicError", code: "NESTED_FAIL" },
    });
    expect(
      await alice.callOther({ function: "slow", parameters: { ms: 1_500 }, timeoutMs: 200 }),
    ).toMatchObject({ outcome: "error", error: { type: "TimeoutError", code: "SFN_REPLY_TIMEOUT" } });
  });

  it("callOther propagates traceparent (new parent-id), tracestate and a bounded deadline, nothing else", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const deadline = Date.now() + 20_000;
    const reply = await world
      .as("alice")
      .sendAndWait(
        `${world.prefix}/service/Conformance`,
        { function: "callOther", parameters: { function: "headers", parameters: {} } },
        20_000,
        { headers: { traceparent, tracestate: "vendor=x", "x-app": "1" } },
      );
    const result = (
      reply.body as { result: { outcome: string; result: { headers: Record<string, string> } } }
    ).result;
    expect(result.outcome).toBe("success");
    const seen = result.result.headers;
    expect(seen.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(seen.traceparent).not.toBe(traceparent);
    expect(seen.tracestate).toBe("vendor=x");
    expect(Number(seen.deadline)).toBeLessThanOrEqual(deadline + 1_000);
    expect(seen["x-app"]).toBeUndefined();
    expect(seen.authorization).toBeUndefined();
  });

  describe("raw calls (envelopes built by hand)", () => {
    let raw: RawCaller;
    const topic = () => `${world.prefix}/service/Conformance`;
    const envelope = (fn: string, parameters: Record<string, unknown>, headers: Record<string, string>) =>
      createCallEnvelope({ function: fn, parameters, replyTo: raw.replyTo, headers });
    const bearer = (user: User) => ({ authorization: `Bearer ${world.tokens.get(user)}` });

    beforeAll(async () => {
      raw = new RawCaller(world.prefix);
      await raw.connect(env("SFN_MQTT_URL"));
    });
    afterAll(() => raw.close());

    it("replies at QoS 1 without RETAIN, mirroring the envelope into MQTT 5 properties without the token", async () => {
      const call = envelope("echo", { value: 1 }, bearer("alice"));
      const reply = await raw.call(topic(), call);
      expect(reply.envelope).toMatchObject({
        callId: call.callId,
        body: { status: "success", result: { value: 1 } },
      });
      expect(reply.envelope.headers.authorization).toBeUndefined();
      expect(reply).toMatchObject({ qos: 1, retain: false });
      expect(reply.properties).toMatchObject({
        payloadFormatIndicator: true,
        contentType: "application/json",
      });
      expect(reply.properties?.correlationData?.toString("utf8")).toBe(call.callId);
      expect(reply.properties?.userProperties?.authorization).toBeUndefined();
    });

    it("publicEcho answers without a token; echo and unknown functions need one", async () => {
      expect(
        (await raw.call(topic(), envelope("publicEcho", { value: "anon" }, {}))).envelope.body,
      ).toMatchObject({
        status: "success",
        result: { value: "anon" },
      });
      for (const fn of ["echo", "noSuchFunction"]) {
        expect((await raw.call(topic(), envelope(fn, { value: 1 }, {}))).envelope.body).toMatchObject({
          status: "error",
          error: { type: "Unauthorized", code: "SFN_UNAUTHENTICATED", details: { reason: "token_missing" } },
        });
      }
      expect(
        (await raw.call(topic(), envelope("noSuchFunction", {}, bearer("alice")))).envelope.body,
      ).toMatchObject({
        error: { type: "NotFound", code: "SFN_FUNCTION_NOT_FOUND" },
      });
    });

    it("a reply larger than maxPayloadBytes is SFN_PAYLOAD_TOO_LARGE", async () => {
      const reply = await raw.call(topic(), envelope("bigResult", { bytes: 1_100_000 }, bearer("alice")));
      expect(reply.envelope.body).toMatchObject({
        error: { type: "ValidationError", code: "SFN_PAYLOAD_TOO_LARGE" },
      });
    });

    it("the outer call's short deadline bounds a nested call: the outer call fails SFN_TIMEOUT", async () => {
      const call = envelope(
        "callOther",
        { function: "slow", parameters: { ms: 1_500 }, timeoutMs: 5_000 },
        { ...bearer("alice"), deadline: String(Date.now() + 500) },
      );
      const reply = await raw.call(topic(), call, 3_000);
      expect(reply.envelope.body).toMatchObject({ error: { type: "TimeoutError", code: "SFN_TIMEOUT" } });
    });
  });

  it("binaryEcho sends the bytes as a chunked transfer to {p}conformance/binary/{topic}", async () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => {
      subscribed = resolve;
    });
    const received = world.as("alice").receiveBinary(`${world.prefix}/conformance/binary/b1`, {
      timeout: 10_000,
      onSubscribed: () => subscribed(),
    });
    await ready;
    const result = await alice.binaryEcho({ topic: "b1", data: bytes.toString("base64"), chunkSize: 256 });
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    expect(result).toMatchObject({ totalLength: 1000, frames: 4, sha256, transferId: expect.any(String) });
    expect(Buffer.from(await received).equals(bytes)).toBe(true);
  });
});

describe("SFN_CONFORMANCE_BREAK (the suite's acceptance switch)", () => {
  it("no-dedup: a repeated callId runs the function again", async () => {
    const world = new World();
    await world.start("conf-node-nodedup", { SFN_CONFORMANCE_BREAK: "no-dedup" });
    try {
      const alice = world.client("alice");
      const callId = newCallId();
      await alice.counter({ name: "twice" }, { callId });
      expect(await alice.counter({ name: "twice" }, { callId })).toEqual({ value: 2 });
      expect(await world.documents("counters", "twice")).toBe(2);
    } finally {
      await world.close();
    }
  });

  it("ack-before-processing: SIGTERM no longer drains a call in progress (the correct service does)", async () => {
    const outcomes: Record<string, { reply: string; exit: number | null }> = {};
    for (const mode of ["", "ack-before-processing"]) {
      const world = new World();
      await world.start("conf-node-ack", { SFN_CONFORMANCE_BREAK: mode });
      try {
        const pending = world
          .client("alice")
          .slow({ ms: 1_000 }, { timeoutMs: 4_000 })
          .then(
            () => "replied",
            (error: SfnError) => error.code,
          );
        await new Promise((r) => setTimeout(r, 300));
        const exit = await world.service.stop("SIGTERM");
        outcomes[mode || "correct"] = { reply: await pending, exit };
      } finally {
        await world.close();
      }
    }
    expect(outcomes.correct).toEqual({ reply: "replied", exit: 0 });
    expect(outcomes["ack-before-processing"]).toEqual({ reply: "SFN_REPLY_TIMEOUT", exit: 0 });
  });

  it("an unknown mode stops the service at start-up, naming the setting", async () => {
    const db = await createTestDatabase(LOGICAL_DATABASE);
    try {
      const error = await launchService(await runVariables(db, "conf-node-bad"), {
        SFN_CONFORMANCE_BREAK: "everything",
      }).catch((e: Error) => e);
      expect(String(error)).toContain("SFN_CONFORMANCE_BREAK");
    } finally {
      await db.drop();
    }
  });
});

describe("launch profiles and the issuer", () => {
  it("the introspection profile rejects a revoked opaque token as token_inactive", async () => {
    const world = new World();
    const profile = readLaunchFile().profiles?.introspection ?? {};
    expect(profile.SFN_OIDC_MODE).toBe("introspection");
    const fixture = {
      SFN_OIDC_RESOURCE_CLIENT_ID: env("SFN_OIDC_RESOURCE_CLIENT_ID"),
      SFN_OIDC_RESOURCE_CLIENT_SECRET: env("SFN_OIDC_RESOURCE_CLIENT_SECRET"),
    };
    const profileEnv = Object.fromEntries(
      Object.entries(profile).map(([k, v]) => [k, substitute(v, fixture)]),
    );
    await world.start("conf-node-introspect", profileEnv);
    try {
      const token = await mintToken("alice", { resource: OPAQUE_RESOURCE });
      await oidc.tokenRevocation(await issuerClient(), token);
      const caller = world.messaging.createMessaging({ ...world.user("alice"), token });
      const error = await rejection(
        createClient<ConformanceFunctions>(caller, "Conformance", { topicPrefix: world.prefix }).echo({
          value: 1,
        }),
      );
      expect(error).toMatchObject({ type: "Unauthorized", code: "SFN_UNAUTHENTICATED" });
      expect(error.details).toEqual({ reason: "token_inactive" });
    } finally {
      await world.close();
    }
  });

  it("runs at MQTT 3.1.1 when the lane says so (RUN_MQTT_PROTOCOL), exactly-once included", async () => {
    const world = new World();
    await world.start("conf-node-311", {}, { RUN_MQTT_PROTOCOL: "3.1.1" });
    try {
      const alice = world.client("alice");
      expect(await alice.echo({ value: "v311" })).toEqual({ value: "v311" });
      const callId = newCallId();
      await alice.counter({ name: "mqtt311" }, { callId });
      expect(await alice.counter({ name: "mqtt311" }, { callId })).toEqual({ value: 1 });
      expect(await alice.notify({ topic: "t311", message: 1 })).toBeNull();
    } finally {
      await world.close();
    }
  });

  it("becomes ready while the issuer is unreachable and answers issuer_unavailable (retryable)", async () => {
    const world = new World();
    const deadIssuer = `http://127.0.0.1:${await freePort()}`;
    await world.start("conf-node-noissuer", { SFN_OIDC_ISSUER: deadIssuer });
    try {
      const error = await rejection(world.client("alice").echo({ value: 1 }));
      expect(error).toMatchObject({ type: "SystemError", code: "SFN_UNAUTHENTICATED", retryable: true });
      expect(error.details).toEqual({ reason: "issuer_unavailable" });
      expect((await fetch(world.service.readinessUrl)).status).toBe(200);
    } finally {
      await world.close();
    }
  });
});

describe("kill -9 with calls in flight (delivery.kill.inflight-exactly-once, at a smaller scale)", () => {
  /** Publishes `n` counter calls at once, SIGKILLs the service mid-way, relaunches it, counts replies and rows. */
  async function killAndRestart(mode: string, n: number, replyWaitMs: number) {
    const extraEnv = { SFN_CONFORMANCE_BREAK: mode };
    const world = new World();
    await world.start("conf-node-kill", extraEnv);
    const raw = new RawCaller(world.prefix);
    await raw.connect(env("SFN_MQTT_URL"));
    try {
      const topic = `${world.prefix}/service/Conformance`;
      const name = `kill-${mode || "correct"}`;
      const headers = { authorization: `Bearer ${world.tokens.get("alice")}` };
      const answered = Array.from({ length: n }, () =>
        createCallEnvelope({
          function: "counter",
          parameters: { name, delayMs: 30 },
          replyTo: raw.replyTo,
          headers,
        }),
      ).map((call) =>
        raw.call(topic, call, replyWaitMs).then(
          () => 1,
          () => 0,
        ),
      );
      await new Promise((r) => setTimeout(r, 400));
      await world.service.stop("SIGKILL");
      const relaunched = Date.now();
      world.service = await launchService(world.vars, { ...extraEnv, SFN_LOG_LEVEL: "info" });
      const readyAfterMs = Date.now() - relaunched;
      const replies = (await Promise.all(answered)).reduce<number>((a, b) => a + b, 0);
      const subscribed = world.service.output
        .join("")
        .split("\n")
        .filter((line) => line.includes('"msg":"subscribed"'))
        .map((line) => (JSON.parse(line) as { time: number }).time - relaunched);
      return { replies, rows: await world.documents("counters", name), readyAfterMs, subscribed };
    } finally {
      await raw.close();
      await world.close();
    }
  }

  it("the service answers every call exactly once and inserts exactly once per call", async () => {
    const outcome = await killAndRestart("", 300, 90_000);
    console.info(
      `kill -9 with 300 calls in flight: ready again after ${outcome.readyAfterMs} ms, connections subscribed at ${outcome.subscribed.join(", ")} ms`,
    );
    expect({ replies: outcome.replies, rows: outcome.rows }).toEqual({ replies: 300, rows: 300 });
  });

  it("with SFN_CONFORMANCE_BREAK=ack-before-processing calls are lost, so the case fails", async () => {
    const { replies, rows } = await killAndRestart("ack-before-processing", 300, 20_000);
    expect(replies).toBeLessThan(300);
    expect(rows).toBeLessThan(300);
  });
});

import {
  BusinessLogicError,
  ConflictError,
  ForbiddenError,
  type ServiceContract,
  SystemError,
} from "@sfn/contracts";
import {
  type CallContext,
  createClient,
  deadLetterNow,
  defineService,
  type ServiceDefinition,
} from "../../src/index.js";

/** The integration suites' service; the name is unique per run to isolate topics. */
export function notesContract(service: string): ServiceContract {
  return {
    service,
    schemaVersion: "1.0.0",
    definitions: {
      NoteInput: {
        type: "object",
        properties: {
          text: { type: "string", minLength: 1, maxLength: 200 },
          ms: { type: "integer", minimum: 0 },
        },
        required: ["text"],
        additionalProperties: false,
      },
      NoteId: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      RaiseInput: {
        type: "object",
        properties: { kind: { enum: ["business", "conflict", "forbidden", "internal", "system"] } },
        required: ["kind"],
      },
      Empty: { type: "object" },
      Any: {},
    },
    functions: {
      addNote: { input: "NoteInput", output: "NoteId" },
      slowAdd: { input: "NoteInput", output: "NoteId" },
      echo: { input: "NoteInput", output: "Any", idempotent: true },
      echoDedup: { input: "NoteInput", output: "Any" },
      raise: { input: "RaiseInput", output: "Any" },
      slow: { input: "Empty", output: "Any", timeoutMs: 100 },
      ping: { input: "Empty", output: "Any", authenticated: false },
      lateWrite: { input: "NoteInput", output: "NoteId", timeoutMs: 100 },
      relay: { input: "Empty", output: "Any" },
      flaky: { input: "NoteInput", output: "NoteId" },
      pause: { input: "NoteInput", output: "Any", idempotent: true },
    },
  };
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

type Note = { text: string; ms?: number };

/** Test switches: `flaky` dead-letters its calls until healed (to replay a dead letter successfully). */
export const switches = { flakyHealed: false };

export const notesFunctions = {
  addNote: async (p: Note, ctx: CallContext) => ({
    id: await ctx.dataStore!.insert("notes", { text: p.text }),
  }),
  slowAdd: async (p: Note, ctx: CallContext) => {
    await sleep(p.ms ?? 200, ctx.signal);
    return { id: await ctx.dataStore!.insert("notes", { text: p.text }) };
  },
  echo: async (p: Note) => p,
  echoDedup: async (p: Note) => p,
  raise: async (p: { kind: string }) => {
    switch (p.kind) {
      case "business":
        throw new BusinessLogicError("rule violated", { code: "NOTE_RULE" });
      case "conflict":
        throw new ConflictError("exists", { code: "NOTE_EXISTS" });
      case "forbidden":
        throw new ForbiddenError("no", { code: "SFN_FORBIDDEN" });
      case "system":
        throw new SystemError("downstream unavailable", { code: "DOWNSTREAM" });
      default:
        throw new Error("password=hunter2 at db.internal:5432");
    }
  },
  slow: (_p: unknown, ctx: CallContext) =>
    new Promise((resolve) =>
      ctx.signal.addEventListener("abort", () => setTimeout(() => resolve("late"), 50)),
    ),
  ping: async () => "pong",
  /** A nested call through the injected Messaging: the caller's token travels on (P-HDR-3). */
  relay: async (_p: unknown, ctx: CallContext) => {
    const self = createClient(ctx.messaging!, ctx.config.service as string, {
      topicPrefix: ctx.config.prefix as string,
      timeoutMs: 10_000,
    });
    return self.echo!({ text: ctx.user!.userId });
  },
  /** Waits `ms` (I/O the function awaits, e.g. another service): what the concurrency setting is for. */
  pause: async (p: Note, ctx: CallContext) => {
    await sleep(p.ms ?? 5, ctx.signal);
    return p;
  },
  flaky: async (p: Note, ctx: CallContext) => {
    if (!switches.flakyHealed) throw deadLetterNow("the note service is not healed yet");
    return { id: await ctx.dataStore!.insert("notes", { text: p.text }) };
  },
  /** Ignores its AbortSignal and writes after its time limit: the write must not land. */
  lateWrite: async (p: Note, ctx: CallContext) => {
    await sleep(p.ms ?? 300);
    return { id: await ctx.dataStore!.insert("notes", { text: p.text }) };
  },
};

export function notesService(name: string): ServiceDefinition {
  return defineService({
    name,
    contract: notesContract(name),
    functions: notesFunctions,
  });
}

import { randomBytes } from "node:crypto";
import { context, propagation, TraceFlags, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Envelope } from "@sfn/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alice, openClient, uniqueTopicRoot } from "./support/broker.js";

describe("W3C trace context with @opentelemetry/api", () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    context.disable();
    propagation.disable();
  });

  it("puts the active span's traceparent into headers and runs the handler inside that trace", async () => {
    const topic = `${uniqueTopicRoot("trace")}/events`;
    const messaging = (await openClient()).createMessaging(alice);
    const received: { envelope: Envelope; traceId: string | undefined }[] = [];
    await messaging.subscribe(topic, (envelope) => {
      received.push({ envelope, traceId: trace.getSpanContext(context.active())?.traceId });
    });
    const span = {
      traceId: randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: TraceFlags.SAMPLED,
    };
    await context.with(trace.setSpanContext(context.active(), span), () => messaging.send(topic, "traced"));
    await messaging.send(topic, "untraced");
    await expect.poll(() => received.length).toBe(2);
    expect(received[0]!.envelope.headers.traceparent).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(received[0]!.traceId).toBe(span.traceId);
    expect(received[1]!.envelope.headers.traceparent).toBeUndefined();
    expect(received[1]!.traceId).toBeUndefined();
  });

  it("keeps a caller's own traceparent, and propagates nothing with tracing: false", async () => {
    const topic = `${uniqueTopicRoot("trace")}/events`;
    const traced = (await openClient()).createMessaging(alice);
    const untraced = (await openClient({ tracing: false })).createMessaging(alice);
    const own = `00-${"1".repeat(32)}-${"2".repeat(16)}-00`;
    const span = { traceId: "a".repeat(32), spanId: "b".repeat(16), traceFlags: TraceFlags.SAMPLED };
    const headers: (string | undefined)[] = [];
    await traced.subscribe(topic, (envelope) => {
      headers.push(envelope.headers.traceparent);
    });
    await context.with(trace.setSpanContext(context.active(), span), async () => {
      await traced.send(topic, 1, { headers: { traceparent: own } });
      await untraced.send(topic, 2);
    });
    await expect.poll(() => headers.length).toBe(2);
    expect(headers).toEqual([own, undefined]);
  });
});

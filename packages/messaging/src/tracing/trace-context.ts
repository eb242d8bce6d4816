import type { Headers } from "@sfn/contracts";

/** W3C trace context propagation through envelope headers (`traceparent`, `tracestate`). */
export interface TracePropagation {
  /** Adds the active span's trace context to outgoing headers unless the caller set `traceparent`. */
  inject(headers: Headers): void;
  /** Runs `fn` inside the trace context carried by incoming headers (or as is when there is none). */
  runWith<T>(headers: Headers, fn: () => T): T;
}

type OpenTelemetryApi = typeof import("@opentelemetry/api");

/** Used when `@opentelemetry/api` is not installed or tracing is switched off. */
export const noTracePropagation: TracePropagation = {
  inject: () => {},
  runWith: (_headers, fn) => fn(),
};

function fromApi(api: OpenTelemetryApi): TracePropagation {
  const { context, propagation, trace } = api;
  return {
    inject(headers) {
      if (headers.traceparent !== undefined) return;
      const active = context.active();
      if (trace.getSpanContext(active) === undefined) return;
      propagation.inject(active, headers);
    },
    runWith(headers, fn) {
      if (headers.traceparent === undefined) return fn();
      return context.with(propagation.extract(context.active(), headers), fn);
    },
  };
}

/**
 * Loads `@opentelemetry/api` (an optional peer dependency) once. Without it, or when no propagator and
 * no span are active, propagation costs one property check per message.
 */
export async function loadTracePropagation(): Promise<TracePropagation> {
  try {
    const api = (await import("@opentelemetry/api")) as OpenTelemetryApi & { default?: OpenTelemetryApi };
    return fromApi(api.context === undefined && api.default !== undefined ? api.default : api);
  } catch {
    return noTracePropagation;
  }
}

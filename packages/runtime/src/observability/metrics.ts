import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The host's Prometheus metrics, in a registry of its own (several hosts may share a process). */
export interface RuntimeMetrics {
  registry: Registry;
  calls: Counter<"function" | "outcome">;
  errors: Counter<"type" | "code">;
  latency: Histogram<"function">;
  inFlight: Gauge;
  dedupHits: Counter;
  deadLetters: Counter;
  poison: Counter;
}

export function createMetrics(service: string): RuntimeMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  return {
    registry,
    calls: new Counter({
      name: "sfn_calls_total",
      help: "Calls answered, by function and outcome (success, error, duplicate)",
      labelNames: ["function", "outcome"],
      registers: [registry],
    }),
    errors: new Counter({
      name: "sfn_call_errors_total",
      help: "Error replies by type and code",
      labelNames: ["type", "code"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "sfn_call_duration_seconds",
      help: "Time from receipt to reply",
      labelNames: ["function"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: "sfn_calls_in_flight",
      help: "Calls being processed",
      registers: [registry],
    }),
    dedupHits: new Counter({
      name: "sfn_dedup_hits_total",
      help: "Duplicate calls answered from the stored reply",
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: "sfn_dead_letters_total",
      help: "Dead letters published",
      registers: [registry],
    }),
    poison: new Counter({
      name: "sfn_poison_messages_total",
      help: "Poison messages dropped",
      registers: [registry],
    }),
  };
}

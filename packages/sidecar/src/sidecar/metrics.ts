import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type DeployPhase =
  | "detect"
  | "claim"
  | "verify"
  | "pull"
  | "unpack"
  | "compose"
  | "start"
  | "ready"
  | "total";

/** The sidecar's Prometheus metrics (prom-client), on their own registry. */
export class SidecarMetrics {
  readonly registry = new Registry();
  /** The design document's HPA metric: pods of the pool waiting in monitoring mode. */
  readonly unassignedContainers = new Gauge({
    name: "unassigned_containers",
    help: "Pods of the pool in monitoring mode (no deployment), as last seen by this sidecar's heartbeat",
    registers: [this.registry],
  });
  /** 1 while this pod holds a deployment: its average over the pool is the utilisation the HPA targets. */
  readonly assigned = new Gauge({
    name: "sfn_sidecar_assigned",
    help: "1 when this pod holds a deployment, 0 in monitoring mode",
    registers: [this.registry],
  });
  readonly claims = new Counter({
    name: "sfn_sidecar_claims_total",
    help: "Claim attempts by outcome (claimed, none)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly deployments = new Counter({
    name: "sfn_sidecar_deployments_total",
    help: "Deployments by outcome (ready, failed, rolled_back, lost)",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  readonly phaseSeconds = new Histogram({
    name: "sfn_sidecar_deploy_phase_seconds",
    help: "Duration of each deployment phase",
    labelNames: ["phase"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  observe(phase: DeployPhase, ms: number): void {
    this.phaseSeconds.observe({ phase }, ms / 1000);
  }
}

/** A row of sfn.application_catalog (camel-cased). */
export interface CatalogEntry {
  appName: string;
  version: string;
  appLayerImage: string;
  baseImage: string;
  interfaceHash: string;
  contractHash: string | null;
  schemaDefinition: Record<string, unknown>;
  topicMappings: Record<string, unknown>;
  layerDigest: string;
  layerSize: number;
  breakingApproved: boolean;
  approvedBy: string | null;
  createdBy: string | null;
  createdAt: Date;
  status: "built" | "tested" | "approved" | "deprecated";
}

/** A row of sfn.application_deployments. */
export interface Deployment {
  appName: string;
  targetVersion: string | null;
  deploymentAction: "deploy" | "rollback" | "undeploy";
  assignedPodId: string | null;
  leaseExpiresAt: Date | null;
  state: "pending" | "deploying" | "serving" | "failed" | "stopped";
  generation: number;
  currentVersion: string | null;
  previousVersion: string | null;
  readyDeadlineMs: number;
  failure: Record<string, unknown> | null;
  updatedAt: Date;
  deployedBy: string | null;
}

export type DeploymentEventName =
  | "requested"
  | "claimed"
  | "expired"
  | "verified"
  | "pulled"
  | "unpacked"
  | "composed"
  | "started"
  | "ready"
  | "failed"
  | "rolled_back"
  | "released"
  | "stopped";

/** A row of sfn.deployment_events. */
export interface DeploymentEvent {
  id: number;
  appName: string;
  version: string | null;
  generation: number | null;
  podId: string | null;
  event: DeploymentEventName;
  durationMs: number | null;
  details: Record<string, unknown>;
  at: Date;
}

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** snake_case columns to camelCase members; bigint columns (returned as strings by pg) to numbers. */
export function fromRow<T>(row: Record<string, unknown>, numeric: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[camel(key)] = numeric.includes(key) && value !== null ? Number(value) : value;
  }
  return out as T;
}

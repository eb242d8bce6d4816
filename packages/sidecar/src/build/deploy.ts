import { type Classification, classifyContracts, loadContract } from "@sfn/codegen";
import { ConflictError, NotFoundError } from "@sfn/contracts";
import type { DeploymentStore } from "../db/deployment-store.js";
import { DeploymentListener } from "../db/listener.js";
import type { Deployment, DeploymentEvent } from "../db/rows.js";
import { SidecarErrorCodes } from "../errors.js";

export interface DeployOptions {
  store: DeploymentStore;
  by: string;
  readyDeadlineMs?: number;
}

export interface DeployRequest {
  deployment: Deployment;
  /** The service contract change from the version serving now (none for a first deploy). */
  classification: Classification | undefined;
}

/**
 * `sfn deploy <app> <version>`: checks the service contract against the version serving now with the
 * codegen classifier (`sfn contract diff`) — a breaking change needs the catalog's approval flag
 * (`sfn catalog approve <app> <version> --breaking`) — then sets the target version.
 */
export async function requestDeploy(
  app: string,
  version: string,
  options: DeployOptions,
): Promise<DeployRequest> {
  const entry = await options.store.catalogEntry(app, version);
  if (entry === undefined)
    throw new NotFoundError(`${app} ${version} is not in the catalog (sfn publish first)`, {
      code: "SFN_CATALOG_NOT_FOUND",
      details: { app, version },
    });
  const current = (await options.store.deployment(app))?.currentVersion ?? null;
  let classification: Classification | undefined;
  if (current !== null && current !== version) {
    const serving = await options.store.catalogEntry(app, current);
    if (serving !== undefined) {
      classification = classifyContracts(
        loadContract(serving.schemaDefinition, `${app} ${current}`),
        loadContract(entry.schemaDefinition, `${app} ${version}`),
      );
      if (classification.verdict === "breaking" && !entry.breakingApproved) {
        throw new ConflictError(
          `${app} ${version} changes the contract of ${current} in a breaking way; approve it first (sfn catalog approve ${app} ${version} --breaking)`,
          {
            code: SidecarErrorCodes.contractBreaking,
            details: { from: current, to: version, differences: classification.differences },
          },
        );
      }
    }
  }
  const deployment = await options.store.request(app, "deploy", version, options.by, options.readyDeadlineMs);
  return { deployment, classification };
}

/** Follows a deployment's events until it is serving or failed (or the timeout passes). */
export async function followDeployment(
  store: DeploymentStore,
  databaseUrl: string,
  app: string,
  afterId: number,
  onEvent: (event: DeploymentEvent) => void,
  timeoutMs = 120_000,
): Promise<Deployment | undefined> {
  let lastId = afterId;
  let wake: () => void = () => {};
  const listener = new DeploymentListener({
    connectionString: databaseUrl,
    channels: ["sfn_deployment_events"],
    onNotification: () => wake(),
  });
  await listener.start();
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      for (const event of await store.events(app, lastId)) {
        lastId = event.id;
        onEvent(event);
      }
      const row = await store.deployment(app);
      const settled = row && (row.state === "serving" || row.state === "failed" || row.state === "stopped");
      if (settled && (await store.events(app, lastId)).length === 0) return row;
      if (Date.now() > until) return row;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    await listener.close();
  }
}

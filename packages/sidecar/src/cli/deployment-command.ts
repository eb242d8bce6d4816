import { type ErrorInfo, errorFromInfo, NotFoundError, TimeoutError } from "@sfn/contracts";
import { followDeployment, requestDeploy } from "../build/deploy.js";
import type { DeploymentStore } from "../db/deployment-store.js";
import type { Deployment, DeploymentEvent } from "../db/rows.js";
import { integerOption, parseCommandArgs, usageError } from "./args.js";
import { formatEvent } from "./format.js";
import { type Env, who, withStore } from "./store.js";

type Out = (line: string) => void;
type Action = "deploy" | "rollback" | "undeploy";

/** Codes of the deployment commands' own errors (the SQL functions raise the others). */
export const DeploymentCommandCodes = {
  /** No version of the application is in the catalog. */
  unknownApp: "SFN_CATALOG_UNKNOWN_APP",
  /** The application is in the catalog, but not in this version. */
  unknownVersion: "SFN_CATALOG_NOT_FOUND",
  /** rollback / undeploy of an application that was never deployed. */
  notDeployed: "SFN_DEPLOY_UNKNOWN_APP",
  /** The deployment did not settle within --timeout. */
  timeout: "SFN_DEPLOY_TIMEOUT",
} as const;

/** The catalog has this version, or a NotFound that says whether the application or the version is unknown. */
async function ensureInCatalog(store: DeploymentStore, app: string, version: string): Promise<void> {
  if ((await store.catalogEntry(app, version)) !== undefined) return;
  const versions = (await store.catalog(app)).map((e) => e.version);
  if (versions.length === 0)
    throw new NotFoundError(
      `unknown application ${app}: no version of it is in the catalog (sfn publish first)`,
      {
        code: DeploymentCommandCodes.unknownApp,
        details: { app },
      },
    );
  throw new NotFoundError(
    `${app} has no version ${version} in the catalog (published: ${versions.join(", ")})`,
    { code: DeploymentCommandCodes.unknownVersion, details: { app, version, versions } },
  );
}

async function ensureDeployed(store: DeploymentStore, app: string, action: Action): Promise<void> {
  if ((await store.deployment(app)) !== undefined) return;
  throw new NotFoundError(`cannot ${action} ${app}: it is not deployed (sfn deploy ${app} <version> first)`, {
    code: DeploymentCommandCodes.notDeployed,
    details: { app },
  });
}

/**
 * Whether the request took effect, or the typed error that says why not: the deployment's own failure
 * (with the automatic rollback it caused, if any), or a timeout.
 */
function outcome(
  action: Action,
  app: string,
  wanted: string | null,
  final: Deployment | undefined,
  failures: DeploymentEvent[],
  timeoutMs: number,
): Error | undefined {
  const done =
    action === "undeploy"
      ? final?.state === "stopped"
      : final?.state === "serving" && final.currentVersion === wanted && failures.length === 0;
  if (done) return undefined;
  const failure = failures.at(-1)?.details as Partial<ErrorInfo> | undefined;
  if (failure?.type && failure.code) {
    const after =
      final?.state === "serving"
        ? `; rolled back, serving ${final.currentVersion}`
        : `; ${app} is ${final?.state ?? "gone"}`;
    return errorFromInfo({
      type: failure.type,
      code: failure.code,
      message: `${action} ${app}${wanted ? ` ${wanted}` : ""} failed: ${failure.message ?? failure.code}${after}`,
      details: { app, version: wanted, state: final?.state ?? null, cause: failure.details ?? null },
    });
  }
  if (final?.state === "failed")
    return errorFromInfo({
      type: "SystemError",
      code: String(final.failure?.code ?? "SFN_DEPLOY_FAILED"),
      message: `${action} ${app} failed: ${String(final.failure?.message ?? "see sfn catalog and the events")}`,
    });
  return new TimeoutError(
    `${app} did not settle within ${timeoutMs} ms (state ${final?.state ?? "unknown"}${final?.assignedPodId ? `, pod ${final.assignedPodId}` : ", no pod has claimed it"})`,
    { code: DeploymentCommandCodes.timeout, details: { app, state: final?.state ?? null, timeoutMs } },
  );
}

/**
 * `sfn deploy <app> <version>`, `sfn rollback <app>`, `sfn undeploy <app>`: writes the request, then
 * prints each deployment event as it is recorded (LISTEN, see followDeployment) until the deployment
 * settles. Exits 0 when the request took effect; a failure (after its automatic rollback) or a timeout
 * throws its typed error (exit 1).
 */
export async function deploymentCommand(action: Action, args: string[], env: Env, out: Out): Promise<number> {
  const usage = `usage: sfn ${action} <app>${action === "deploy" ? " <version>" : ""} [--deadline MS] [--timeout MS] [--no-follow]`;
  const { values, positionals } = parseCommandArgs(
    args,
    { deadline: { type: "string" }, "no-follow": { type: "boolean" }, timeout: { type: "string" } },
    usage,
  );
  const app = positionals[0] ?? usageError(usage);
  const version = action === "deploy" ? (positionals[1] ?? usageError(usage)) : undefined;
  if (positionals.length > (action === "deploy" ? 2 : 1)) usageError(usage);
  const deadline = integerOption(values.deadline, "--deadline", 100, 3_600_000);
  const timeoutMs = integerOption(values.timeout, "--timeout", 100, 86_400_000) ?? 120_000;
  const by = who(env);
  return withStore(env, async (store, url) => {
    const since = await store.lastEventId();
    let requested: Deployment;
    if (version !== undefined) {
      await ensureInCatalog(store, app, version);
      const result = await requestDeploy(app, version, { store, by, readyDeadlineMs: deadline });
      if (result.classification)
        out(`contract change from the serving version: ${result.classification.verdict}`);
      requested = result.deployment;
    } else {
      await ensureDeployed(store, app, action);
      requested = await store.request(app, action, null, by, deadline);
    }
    const wanted = requested.targetVersion;
    if (values["no-follow"]) {
      out(`${app}: ${action}${wanted ? ` ${wanted}` : ""} requested (generation ${requested.generation})`);
      return 0;
    }
    const failures: DeploymentEvent[] = [];
    const final = await followDeployment(
      store,
      url,
      app,
      since,
      (e) => {
        if (e.event === "failed") failures.push(e);
        out(formatEvent(e));
      },
      timeoutMs,
    );
    out(
      `${app}: ${final?.state ?? "unknown"}${final?.state === "serving" ? ` ${final.currentVersion}` : ""}`,
    );
    const error = outcome(action, app, wanted, final, failures, timeoutMs);
    if (error) throw error;
    return 0;
  });
}

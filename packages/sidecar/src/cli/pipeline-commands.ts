import { parseArgs } from "node:util";
import { ValidationError } from "@sfn/contracts";
import { buildApplication } from "../build/build-application.js";
import { followDeployment, requestDeploy } from "../build/deploy.js";
import { publishApplication } from "../build/publish.js";
import { DeploymentStore } from "../db/deployment-store.js";
import type { CatalogEntry, DeploymentEvent } from "../db/rows.js";

type Out = (line: string) => void;

function databaseUrl(env: Record<string, string | undefined>): string {
  const url = env.SFN_DATABASE_URL;
  if (!url)
    throw new ValidationError("missing setting SFN_DATABASE_URL (the deployment database)", {
      code: "SFN_SIDECAR_SETTING_INVALID",
      details: { setting: "SFN_DATABASE_URL" },
    });
  return url;
}

function usageError(message: string): never {
  throw new ValidationError(message, { code: "SFN_USAGE" });
}

function who(env: Record<string, string | undefined>): string {
  return env.SFN_DEPLOYED_BY || env.USER || "sfn";
}

export function formatEvent(e: DeploymentEvent): string {
  const duration = e.durationMs === null ? "" : ` ${e.durationMs.toFixed(1)} ms`;
  const details = Object.keys(e.details).length === 0 ? "" : ` ${JSON.stringify(e.details)}`;
  return `${e.at.toISOString()} ${e.appName} ${e.version ?? "-"} #${e.generation ?? "-"} ${e.event}${e.podId ? ` (${e.podId})` : ""}${duration}${details}`;
}

function formatEntry(e: CatalogEntry): string {
  return `${e.appName}\t${e.version}\t${e.status}${e.breakingApproved ? "+breaking" : ""}\t${e.layerDigest.slice(0, 19)}\t${e.layerSize}\t${e.appLayerImage}`;
}

export async function buildCommand(args: string[], out: Out): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      version: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const serviceDir =
    positionals[0] ??
    usageError("usage: sfn build <service-dir> --version V --base REGISTRY/REPO:TAG [--out DIR]");
  if (!values.version || !values.base) usageError("sfn build needs --version and --base");
  const result = await buildApplication({
    serviceDir,
    version: values.version,
    baseImage: values.base,
    ...(values.out ? { outDir: values.out } : {}),
  });
  if (values.json) out(JSON.stringify(result));
  else
    out(
      `built ${result.app} ${result.version}: layer ${result.layer.digest} (${result.layer.size} bytes), manifest ${result.manifestDigest}\n  base ${result.baseImage}\n  interface ${result.interfaceHash}\n  layout ${result.outDir}`,
    );
  return 0;
}

async function withStore<T>(
  env: Record<string, string | undefined>,
  fn: (store: DeploymentStore, url: string) => Promise<T>,
): Promise<T> {
  const url = databaseUrl(env);
  const store = DeploymentStore.connect(url, 2);
  try {
    return await fn(store, url);
  } finally {
    await store.close();
  }
}

export async function publishCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { repository: { type: "string" } },
  });
  const layoutDir =
    positionals[0] ?? usageError("usage: sfn publish <image-layout-dir> --repository HOST/REPO");
  if (!values.repository) usageError("sfn publish needs --repository");
  return withStore(env, async (store) => {
    const result = await publishApplication({
      layoutDir,
      repository: values.repository!,
      store,
      createdBy: who(env),
    });
    out(
      `published ${result.image} (${result.uploaded.length} blobs uploaded, ${result.mounted.length} mounted); catalog ${result.entry.appName} ${result.entry.version} ${result.created ? "added" : "unchanged"} (${result.entry.status})`,
    );
    return 0;
  });
}

export async function deploymentCommand(
  action: "deploy" | "rollback" | "undeploy",
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { deadline: { type: "string" }, "no-follow": { type: "boolean" }, timeout: { type: "string" } },
  });
  const app =
    positionals[0] ?? usageError(`usage: sfn ${action} <app>${action === "deploy" ? " <version>" : ""}`);
  return withStore(env, async (store, url) => {
    const since = await store.lastEventId();
    const deadline = values.deadline ? Number(values.deadline) : undefined;
    if (action === "deploy") {
      const version = positionals[1] ?? usageError("usage: sfn deploy <app> <version>");
      const { classification } = await requestDeploy(app, version, {
        store,
        by: who(env),
        readyDeadlineMs: deadline,
      });
      if (classification) out(`contract change from the serving version: ${classification.verdict}`);
    } else {
      await store.request(app, action, null, who(env), deadline);
    }
    if (values["no-follow"]) return 0;
    const final = await followDeployment(
      store,
      url,
      app,
      since,
      (e) => out(formatEvent(e)),
      Number(values.timeout ?? 120_000),
    );
    out(
      `${app}: ${final?.state ?? "unknown"}${final?.currentVersion ? ` (serving ${final.currentVersion})` : ""}`,
    );
    return final?.state === "failed" ? 1 : 0;
  });
}

export async function catalogCommand(
  args: string[],
  env: Record<string, string | undefined>,
  out: Out,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { breaking: { type: "boolean" }, json: { type: "boolean" } },
  });
  const [verb, app, version] = positionals;
  return withStore(env, async (store) => {
    if (verb === "list") {
      const entries = await store.catalog(app);
      if (values.json) out(JSON.stringify(entries));
      else for (const e of entries) out(formatEntry(e));
      return 0;
    }
    if (!app || !version)
      usageError("usage: sfn catalog list [app] | show|approve|deprecate <app> <version> [--breaking]");
    if (verb === "show") {
      const entry = await store.catalogEntry(app, version);
      if (!entry) {
        out(`${app} ${version} is not in the catalog`);
        return 1;
      }
      out(JSON.stringify(entry, null, 2));
      return 0;
    }
    if (verb === "approve" || verb === "deprecate") {
      const entry = await store.setCatalogStatus(
        app,
        version,
        verb === "approve" ? "approved" : "deprecated",
        who(env),
        verb === "approve" && values.breaking ? true : undefined,
      );
      if (!entry) {
        out(`${app} ${version} is not in the catalog`);
        return 1;
      }
      out(formatEntry(entry));
      return 0;
    }
    return usageError(`unknown catalog command '${verb ?? ""}'`);
  });
}

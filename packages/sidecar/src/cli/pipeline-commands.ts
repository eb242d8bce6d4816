import { NotFoundError } from "@sfn/contracts";
import { buildApplication } from "../build/build-application.js";
import { publishApplication } from "../build/publish.js";
import { parseCommandArgs, usageError } from "./args.js";
import { CATALOG_HEADER, formatEntry } from "./format.js";
import { type Env, who, withStore } from "./store.js";

type Out = (line: string) => void;

export async function buildCommand(args: string[], out: Out): Promise<number> {
  const usage = "usage: sfn build <service-dir> --version V --base REGISTRY/REPO:TAG [--out DIR] [--json]";
  const { values, positionals } = parseCommandArgs(
    args,
    {
      version: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
    usage,
  );
  const serviceDir = positionals[0] ?? usageError(usage);
  if (!values.version || !values.base) usageError(`sfn build needs --version and --base\n${usage}`);
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

export async function publishCommand(args: string[], env: Env, out: Out): Promise<number> {
  const usage = "usage: sfn publish <image-layout-dir> --repository HOST/REPO";
  const { values, positionals } = parseCommandArgs(args, { repository: { type: "string" } }, usage);
  const layoutDir = positionals[0] ?? usageError(usage);
  if (!values.repository) usageError(`sfn publish needs --repository\n${usage}`);
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

/** `sfn catalog list [app] | show <app> <version> | approve <app> <version> [--breaking] | deprecate <app> <version>`. */
export async function catalogCommand(args: string[], env: Env, out: Out): Promise<number> {
  const usage =
    "usage: sfn catalog list [app] [--json] | show <app> <version> | approve <app> <version> [--breaking] | deprecate <app> <version>";
  const { values, positionals } = parseCommandArgs(
    args,
    { breaking: { type: "boolean" }, json: { type: "boolean" } },
    usage,
  );
  const [verb, app, version] = positionals;
  if (verb !== "list" && verb !== "show" && verb !== "approve" && verb !== "deprecate")
    usageError(verb === undefined ? usage : `unknown catalog command '${verb}'\n${usage}`);
  if (verb !== "list" && (!app || !version)) usageError(usage);
  return withStore(env, async (store) => {
    if (verb === "list") {
      const entries = await store.catalog(app);
      if (values.json) out(JSON.stringify(entries));
      else if (entries.length === 0)
        out(app ? `no version of ${app} is in the catalog` : "the catalog is empty");
      else for (const line of [CATALOG_HEADER, ...entries.map(formatEntry)]) out(line);
      return 0;
    }
    const missing = () =>
      new NotFoundError(`${app} ${version} is not in the catalog`, {
        code: "SFN_CATALOG_NOT_FOUND",
        details: { app, version },
      });
    if (verb === "show") {
      const entry = await store.catalogEntry(app!, version!);
      if (!entry) throw missing();
      out(JSON.stringify(entry, null, 2));
      return 0;
    }
    const entry = await store.setCatalogStatus(
      app!,
      version!,
      verb === "approve" ? "approved" : "deprecated",
      who(env),
      verb === "approve" && values.breaking ? true : undefined,
    );
    if (!entry) throw missing();
    out(formatEntry(entry));
    return 0;
  });
}

import { ValidationError } from "@sfn/contracts";
import { DeploymentStore } from "../db/deployment-store.js";

export type Env = Record<string, string | undefined>;

function databaseUrl(env: Env): string {
  const url = env.SFN_DATABASE_URL;
  if (!url)
    throw new ValidationError("missing setting SFN_DATABASE_URL (the deployment database)", {
      code: "SFN_SIDECAR_SETTING_INVALID",
      details: { setting: "SFN_DATABASE_URL" },
    });
  return url;
}

/** Who a request is recorded as made by (`deployed_by`, `created_by`). */
export function who(env: Env): string {
  return env.SFN_DEPLOYED_BY || env.USER || "sfn";
}

/** Runs `fn` with a small store on SFN_DATABASE_URL, closed afterwards. */
export async function withStore<T>(
  env: Env,
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

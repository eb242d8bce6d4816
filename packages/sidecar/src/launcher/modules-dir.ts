import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The `node_modules` directory, at or above `from`, that holds `@sfn/runtime` — what the Node base image
 * provides at /opt/sfn/node_modules, and what the process driver links next to the application
 * directories so bundles resolve the platform packages (`@sfn/*` stays external in the bundle).
 */
export function platformModulesDir(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "@sfn", "runtime", "package.json")))
      return join(dir, "node_modules");
    if (dirname(dir) === dir) return undefined;
  }
}

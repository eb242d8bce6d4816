import { pathToFileURL } from "node:url";
import { ValidationError } from "@sfn/contracts";
import type { SqlDriver } from "@sfn/datastore";
import { serviceFromClass } from "../authoring/decorators.js";
import type { ServiceDefinition } from "../authoring/define-service.js";
import type { LoadedServiceConfig } from "./service-config.js";

function isDefinition(value: unknown): value is ServiceDefinition {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ServiceDefinition).name === "string" &&
    typeof (value as ServiceDefinition).functions === "object"
  );
}

/**
 * Imports the entry module of a service directory and returns its service: the `service` or default
 * export, either a `defineService(...)` result or an `@service` class (bound to the config's contract).
 */
export async function loadService(loaded: LoadedServiceConfig): Promise<ServiceDefinition> {
  if (loaded.language !== "node") {
    throw new ValidationError(
      `${loaded.file}: a ${loaded.language} service is hosted by its own runtime, not sfn-runtime for Node (Python: python -m sfn_runtime ${loaded.python?.spec ?? "<module:Class>"} contract.json)`,
      { code: "SFN_SERVICE_CONFIG_INVALID", details: { file: loaded.file, field: "language" } },
    );
  }
  const module = (await import(pathToFileURL(loaded.entry).href)) as Record<string, unknown>;
  const exported = module.service ?? module.default;
  let definition: ServiceDefinition | undefined;
  if (isDefinition(exported)) definition = exported;
  else if (typeof exported === "function")
    definition = serviceFromClass(exported as Parameters<typeof serviceFromClass>[0], loaded.contract);
  if (definition === undefined) {
    throw new ValidationError(
      `${loaded.entry} must export the service as \`service\` or default: a defineService(...) result or an @service class`,
      { code: "SFN_SERVICE_CONFIG_INVALID", details: { file: loaded.entry } },
    );
  }
  if (definition.name !== loaded.config.name) {
    throw new ValidationError(
      `${loaded.entry} exports service '${definition.name}', but sfn.config.json names '${loaded.config.name}'`,
      { code: "SFN_SERVICE_CONFIG_INVALID", details: { file: loaded.entry } },
    );
  }
  return definition;
}

/** Grants `dev.grants` (permissions per token role) on the service's database, as the database admin. */
export function devGrantsSeeder(
  loaded: LoadedServiceConfig,
): ((driver: SqlDriver) => Promise<void>) | undefined {
  const grants = loaded.config.dev?.grants;
  if (grants === undefined) return undefined;
  const database = loaded.config.database ?? "app";
  return async (driver) => {
    const admin = "sfn:dev";
    await driver.query("SELECT sfn.bootstrap_admin($1, $2)", [database, admin]);
    for (const [role, permissions] of Object.entries(grants)) {
      const [row] = await driver.query<{ result: { error?: { message: string } } }>(
        "SELECT sfn.call($1::jsonb, 'grantPermissionsToRole', $2::jsonb) AS result",
        [
          JSON.stringify({ userId: admin, roles: [], database }),
          JSON.stringify({ role, permissions, database }),
        ],
      );
      if (row?.result.error) {
        throw new ValidationError(`dev.grants.${role}: ${row.result.error.message}`, {
          code: "SFN_SERVICE_CONFIG_INVALID",
          details: { file: loaded.file, field: `dev.grants.${role}` },
        });
      }
    }
  };
}

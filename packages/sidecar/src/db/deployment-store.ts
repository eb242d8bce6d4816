import { ConflictError } from "@sfn/contracts";
import { errorFromDriver } from "@sfn/datastore";
import pg from "pg";
import {
  type CatalogEntry,
  type Deployment,
  type DeploymentEvent,
  type DeploymentEventName,
  fromRow,
} from "./rows.js";

const DEPLOYMENT_NUMERIC = ["generation"];
const CATALOG_NUMERIC = ["layer_size"];
const EVENT_NUMERIC = ["id", "generation"];

export interface HeldDeployment {
  appName: string;
  generation: number;
  targetVersion: string | null;
  state: Deployment["state"];
}

export interface HeartbeatResult {
  /** The deployment the pod holds under a live lease, if any. */
  held: HeldDeployment | undefined;
  /** Pods of the pool in monitoring mode with a live lease. */
  unassignedPods: number;
}

export type NewCatalogEntry = Omit<
  CatalogEntry,
  "createdAt" | "status" | "breakingApproved" | "approvedBy" | "contractHash" | "createdBy"
> & { contractHash?: string | null; createdBy?: string | null };

/**
 * The SQL side of deployments (migration 0010 of @sfn/datastore): one method per function, errors mapped
 * to the typed sfn errors. Takes a pool; the LISTEN connection is separate (DeploymentListener).
 */
export class DeploymentStore {
  readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  static connect(connectionString: string, max = 4): DeploymentStore {
    const pool = new pg.Pool({ connectionString, max });
    pool.on("error", () => {});
    return new DeploymentStore(pool);
  }

  async #query<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, params)).rows;
    } catch (error) {
      throw errorFromDriver(error);
    }
  }

  async request(
    app: string,
    action: Deployment["deploymentAction"],
    version: string | null,
    by: string,
    readyDeadlineMs?: number,
  ): Promise<Deployment> {
    const [row] = await this.#query("SELECT * FROM sfn.deployment_request($1, $2, $3, $4, $5)", [
      app,
      action,
      version,
      by,
      readyDeadlineMs ?? null,
    ]);
    return fromRow<Deployment>(row!, DEPLOYMENT_NUMERIC);
  }

  async claim(
    podId: string,
    baseImage: string | null,
    leaseSeconds: number,
  ): Promise<Deployment | undefined> {
    const rows = await this.#query("SELECT * FROM sfn.deployment_claim($1, $2, $3)", [
      podId,
      baseImage,
      leaseSeconds,
    ]);
    return rows[0] === undefined ? undefined : fromRow<Deployment>(rows[0], DEPLOYMENT_NUMERIC);
  }

  async heartbeat(
    podId: string,
    baseImage: string,
    interfaceHash: string,
    state: string,
    leaseSeconds: number,
  ): Promise<HeartbeatResult> {
    const [row] = await this.#query<{
      held_app: string | null;
      held_generation: string | null;
      held_target: string | null;
      held_state: Deployment["state"] | null;
      unassigned_pods: number;
    }>("SELECT * FROM sfn.pod_heartbeat($1, $2, $3, $4, $5)", [
      podId,
      baseImage,
      interfaceHash,
      state,
      leaseSeconds,
    ]);
    return {
      held:
        row?.held_app == null
          ? undefined
          : {
              appName: row.held_app,
              generation: Number(row.held_generation),
              targetVersion: row.held_target,
              state: row.held_state!,
            },
      unassignedPods: row?.unassigned_pods ?? 0,
    };
  }

  /** Records a phase; false when the pod no longer holds this generation (it must stop acting on it). */
  async progress(
    app: string,
    podId: string,
    generation: number,
    event: DeploymentEventName,
    durationMs?: number,
    details: Record<string, unknown> = {},
  ): Promise<boolean> {
    const [row] = await this.#query<{ ok: boolean }>(
      "SELECT sfn.deployment_progress($1, $2, $3, $4, $5, $6) AS ok",
      [app, podId, generation, event, durationMs ?? null, JSON.stringify(details)],
    );
    return row?.ok === true;
  }

  /** Records a failure; rolls back to the last ready version when asked and possible. */
  async fail(
    app: string,
    podId: string,
    generation: number,
    failure: Record<string, unknown>,
    rollback: boolean,
    durationMs?: number,
  ): Promise<Deployment | undefined> {
    const [row] = await this.#query("SELECT * FROM sfn.deployment_fail($1, $2, $3, $4, $5, $6)", [
      app,
      podId,
      generation,
      JSON.stringify(failure),
      rollback,
      durationMs ?? null,
    ]);
    return row === undefined || row.app_name === null
      ? undefined
      : fromRow<Deployment>(row, DEPLOYMENT_NUMERIC);
  }

  /** Releases what the pod holds and removes it from the pool (graceful shutdown). */
  async leave(podId: string): Promise<number> {
    const [row] = await this.#query<{ n: number }>("SELECT sfn.pod_leave($1) AS n", [podId]);
    return row?.n ?? 0;
  }

  async deployment(app: string): Promise<Deployment | undefined> {
    const [row] = await this.#query("SELECT * FROM sfn.application_deployments WHERE app_name = $1", [app]);
    return row === undefined ? undefined : fromRow<Deployment>(row, DEPLOYMENT_NUMERIC);
  }

  async deployments(): Promise<Deployment[]> {
    const rows = await this.#query("SELECT * FROM sfn.application_deployments ORDER BY app_name");
    return rows.map((r) => fromRow<Deployment>(r, DEPLOYMENT_NUMERIC));
  }

  async events(app: string, afterId = 0): Promise<DeploymentEvent[]> {
    const rows = await this.#query(
      "SELECT * FROM sfn.deployment_events WHERE app_name = $1 AND id > $2 ORDER BY id",
      [app, afterId],
    );
    return rows.map((r) => fromRow<DeploymentEvent>(r, EVENT_NUMERIC));
  }

  async lastEventId(): Promise<number> {
    const [row] = await this.#query<{ id: string | null }>("SELECT max(id) AS id FROM sfn.deployment_events");
    return Number(row?.id ?? 0);
  }

  // --- the catalog ---

  /** Inserts a published version; the same version again is accepted only with the same layer. */
  async addToCatalog(entry: NewCatalogEntry): Promise<{ entry: CatalogEntry; created: boolean }> {
    const rows = await this.#query(
      `INSERT INTO sfn.application_catalog (app_name, version, app_layer_image, base_image, interface_hash,
         contract_hash, schema_definition, topic_mappings, layer_digest, layer_size, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (app_name, version) DO NOTHING RETURNING *`,
      [
        entry.appName,
        entry.version,
        entry.appLayerImage,
        entry.baseImage,
        entry.interfaceHash,
        entry.contractHash ?? null,
        JSON.stringify(entry.schemaDefinition),
        JSON.stringify(entry.topicMappings),
        entry.layerDigest,
        entry.layerSize,
        entry.createdBy ?? null,
      ],
    );
    if (rows[0] !== undefined)
      return { entry: fromRow<CatalogEntry>(rows[0], CATALOG_NUMERIC), created: true };
    const existing = (await this.catalogEntry(entry.appName, entry.version))!;
    if (existing.layerDigest !== entry.layerDigest || existing.appLayerImage !== entry.appLayerImage) {
      throw new ConflictError(
        `${entry.appName} ${entry.version} is already in the catalog with another layer`,
        {
          code: "SFN_CATALOG_VERSION_EXISTS",
          details: { app: entry.appName, version: entry.version, layerDigest: existing.layerDigest },
        },
      );
    }
    return { entry: existing, created: false };
  }

  async catalogEntry(app: string, version: string): Promise<CatalogEntry | undefined> {
    const [row] = await this.#query(
      "SELECT * FROM sfn.application_catalog WHERE app_name = $1 AND version = $2",
      [app, version],
    );
    return row === undefined ? undefined : fromRow<CatalogEntry>(row, CATALOG_NUMERIC);
  }

  async catalog(app?: string): Promise<CatalogEntry[]> {
    const rows = await this.#query(
      "SELECT * FROM sfn.application_catalog WHERE $1::text IS NULL OR app_name = $1 ORDER BY app_name, created_at, version",
      [app ?? null],
    );
    return rows.map((r) => fromRow<CatalogEntry>(r, CATALOG_NUMERIC));
  }

  /** `approve` (optionally accepting breaking differences) or `deprecate` a version. */
  async setCatalogStatus(
    app: string,
    version: string,
    status: CatalogEntry["status"],
    by: string,
    breakingApproved?: boolean,
  ): Promise<CatalogEntry | undefined> {
    const [row] = await this.#query(
      `UPDATE sfn.application_catalog SET status = $3::text,
         breaking_approved = coalesce($5::boolean, breaking_approved),
         approved_by = CASE WHEN $3::text = 'approved' THEN $4::text ELSE approved_by END
       WHERE app_name = $1 AND version = $2 RETURNING *`,
      [app, version, status, by, breakingApproved ?? null],
    );
    return row === undefined ? undefined : fromRow<CatalogEntry>(row, CATALOG_NUMERIC);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

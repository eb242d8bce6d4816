import { existsSync } from "node:fs";
import { mkdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SfnError, SystemError } from "@sfn/contracts";
import { DeploymentStore } from "../db/deployment-store.js";
import { DeploymentListener } from "../db/listener.js";
import type { Deployment, DeploymentEventName } from "../db/rows.js";
import { SidecarErrorCodes } from "../errors.js";
import type { Launcher } from "../launcher/launcher.js";
import { Annotations } from "../oci/media-types.js";
import { parseReference } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry-client.js";
import { unpackLayer } from "../oci/unpack.js";
import { type BaseRuntime, checkCompatibility } from "./compatibility.js";
import { type DeployPhase, SidecarMetrics } from "./metrics.js";
import { waitUntilReady } from "./readiness.js";

export type SidecarState = "monitoring" | "claiming" | "deploying" | "serving" | "stopped";

export interface SidecarOptions {
  podId: string;
  /** PostgreSQL with the sfn migrations (0010: catalog and deployments). */
  databaseUrl: string;
  /** A store to share (tests); default: a pool of 2 connections on databaseUrl. */
  store?: DeploymentStore;
  base: BaseRuntime;
  /** Where application layers are unpacked (`<appsDir>/<app>/<layer digest>`) and `current` points. */
  appsDir: string;
  launcher: Launcher;
  registry?: RegistryClient;
  /** Polling fallback when no notification arrives; default 5000 ms. */
  pollIntervalMs?: number;
  /** Default 2000 ms. */
  heartbeatIntervalMs?: number;
  /** A claim lapses this long after the last heartbeat; default 10 s. */
  leaseSeconds?: number;
  /** LISTEN for changes (default true); without it only polling detects work. */
  listen?: boolean;
  metrics?: SidecarMetrics;
  /**
   * Readiness deadline of an automatic rollback to the last ready version (at least this long, whatever
   * the failed request asked for); default 30 s.
   */
  rollbackReadyDeadlineMs?: number;
  /** Linked as `<appsDir>/node_modules`, so bundles resolve `@sfn/*` from the base runtime (process driver). */
  modulesDir?: string;
  onTransition?: (info: { state: SidecarState; app?: string; event?: string; error?: SfnError }) => void;
}

interface Held {
  app: string;
  generation: number;
}

class LostDeployment extends Error {}
/** A newer request for the same application arrived while this one was deploying. */
class Superseded extends Error {}

const LAYER_MARKER = ".sfn-layer";

/**
 * The sidecar of one pod: monitoring → claiming → deploying → serving, and back. Work is detected by
 * LISTEN/NOTIFY with a polling fallback; claims are atomic (sfn.deployment_claim, FOR UPDATE SKIP
 * LOCKED) and held under a lease renewed by the heartbeat; each phase is recorded in
 * sfn.deployment_events with its duration; a function not ready within the deadline is rolled back to
 * the last ready version.
 */
export class Sidecar {
  readonly options: SidecarOptions;
  readonly metrics: SidecarMetrics;
  readonly store: DeploymentStore;
  readonly #registry: RegistryClient;
  #listener: DeploymentListener | undefined;
  #state: SidecarState = "monitoring";
  #held: Held | undefined;
  #runningDigest: string | undefined;
  #stopping = false;
  #wakeRequested = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #lastHeartbeatOk = Date.now();
  #heartbeatRunning: Promise<void> | undefined;

  constructor(options: SidecarOptions) {
    this.options = options;
    this.metrics = options.metrics ?? new SidecarMetrics();
    this.store = options.store ?? DeploymentStore.connect(options.databaseUrl, 2);
    this.#registry = options.registry ?? new RegistryClient();
  }

  get state(): SidecarState {
    return this.#state;
  }

  /** The application this pod holds, if any. */
  get app(): string | undefined {
    return this.#held?.app;
  }

  async start(): Promise<void> {
    await mkdir(this.options.appsDir, { recursive: true });
    if (this.options.modulesDir) {
      const link = join(this.options.appsDir, "node_modules");
      if (!existsSync(link)) await symlink(this.options.modulesDir, link, "dir").catch(() => {});
    }
    await this.#heartbeat();
    if (this.options.listen !== false) {
      this.#listener = new DeploymentListener({
        connectionString: this.options.databaseUrl,
        channels: ["sfn_deployments"],
        onNotification: (_channel, payload) =>
          this.#onNotification(payload as { app?: string; assigned?: string }),
        onConnected: () => this.wake(),
      });
      await this.#listener.start();
    }
    this.#heartbeatTimer = setInterval(
      () => void this.#heartbeat(),
      this.options.heartbeatIntervalMs ?? 2000,
    );
    this.#loop = this.#run();
  }

  /** Re-examines the database now (a notification, a test). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  #onNotification(payload: { app?: string; assigned?: string | null } | undefined): void {
    // Unassigned work concerns monitoring pods; anything about our own application concerns us.
    if (this.#held === undefined ? payload?.assigned == null : payload?.app === this.#held.app) this.wake();
  }

  #set(state: SidecarState, extra: { event?: string; error?: SfnError } = {}): void {
    this.#state = state;
    this.metrics.assigned.set(this.#held ? 1 : 0);
    this.options.onTransition?.({ state, ...(this.#held ? { app: this.#held.app } : {}), ...extra });
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      try {
        await this.#step();
      } catch (error) {
        this.options.onTransition?.({ state: this.#state, error: asSfnError(error) });
      }
      if (this.#stopping) break;
      await this.#sleep();
    }
  }

  #sleep(): Promise<void> {
    if (this.#wakeRequested) {
      this.#wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs ?? 5000);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wake = undefined;
        self.#wakeRequested = false;
        resolve();
      }
      this.#wake = done;
    });
  }

  async #step(): Promise<void> {
    if (this.#held === undefined) {
      this.#set("claiming");
      const started = performance.now();
      const claimed = await this.store.claim(
        this.options.podId,
        this.options.base.image,
        this.#leaseSeconds(),
      );
      this.metrics.observe("claim", performance.now() - started);
      this.metrics.claims.inc({ outcome: claimed ? "claimed" : "none" });
      if (claimed === undefined) {
        this.#set("monitoring");
        return;
      }
      await this.#deploy(claimed);
      return;
    }
    const row = await this.store.deployment(this.#held.app);
    if (row === undefined || row.assignedPodId !== this.options.podId) {
      await this.#drop("lost");
      this.wake();
      return;
    }
    if (
      row.generation !== this.#held.generation ||
      (this.#state === "serving" && this.options.launcher.exited())
    ) {
      if (row.targetVersion === null) {
        await this.options.launcher.stop();
        this.#runningDigest = undefined;
        await this.store.progress(row.appName, this.options.podId, row.generation, "stopped");
        this.#held = undefined;
        this.#set("monitoring", { event: "stopped" });
        this.wake();
        return;
      }
      await this.#deploy(row);
    }
  }

  async #drop(outcome: "lost" | "failed"): Promise<void> {
    await this.options.launcher.stop();
    this.#runningDigest = undefined;
    this.metrics.deployments.inc({ outcome });
    this.#held = undefined;
    this.#set("monitoring", { event: outcome });
  }

  async #progress(d: Deployment, event: DeploymentEventName, ms?: number, details?: Record<string, unknown>) {
    if (!(await this.store.progress(d.appName, this.options.podId, d.generation, event, ms, details))) {
      const row = await this.store.deployment(d.appName);
      if (row?.assignedPodId === this.options.podId)
        throw new Superseded(`${d.appName} generation ${row.generation}`);
      throw new LostDeployment(`${d.appName} generation ${d.generation} is no longer ours`);
    }
  }

  async #phase<T>(
    d: Deployment,
    phase: DeployPhase,
    event: DeploymentEventName,
    work: () => Promise<T>,
    details: (result: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> {
    const started = performance.now();
    const result = await work();
    const ms = performance.now() - started;
    this.metrics.observe(phase, ms);
    await this.#progress(d, event, ms, details(result));
    return result;
  }

  async #deploy(d: Deployment): Promise<void> {
    this.#held = { app: d.appName, generation: d.generation };
    this.#set("deploying");
    const started = performance.now();
    let restarted = false;
    const runningBefore = this.#runningDigest;
    try {
      const entry = await this.store.catalogEntry(d.appName, d.targetVersion!);
      if (entry === undefined)
        throw new SystemError(`${d.appName} ${d.targetVersion} vanished from the catalog`, {
          code: "SFN_CATALOG_NOT_FOUND",
        });
      await this.#phase(
        d,
        "verify",
        "verified",
        async () => checkCompatibility(entry, this.options.base),
        (verdict) => ({ verdict }),
      );
      const dir = join(this.options.appsDir, d.appName, entry.layerDigest.slice("sha256:".length));
      const cached = existsSync(join(dir, LAYER_MARKER));
      const blob = await this.#phase(
        d,
        "pull",
        "pulled",
        async () => (cached ? undefined : this.#pull(entry.appLayerImage, entry.layerDigest)),
        (b) => ({ cached, bytes: b?.length ?? 0, digest: entry.layerDigest }),
      );
      if (blob !== undefined) {
        await this.#phase(
          d,
          "unpack",
          "unpacked",
          async () => {
            const files = await unpackLayer(blob, entry.layerDigest, dir);
            await writeFile(join(dir, LAYER_MARKER), `${entry.layerDigest}\n`);
            return files;
          },
          (files) => ({ files }),
        );
      }
      const current = join(this.options.appsDir, "current");
      await this.#phase(
        d,
        "compose",
        "composed",
        async () => {
          const temp = `${current}.${process.pid}.tmp`;
          await rm(temp, { force: true });
          await symlink(dir, temp, "dir");
          await rename(temp, current);
        },
        () => ({ appDir: dir }),
      );
      const alreadyRunning =
        this.#runningDigest === entry.layerDigest && this.options.launcher.exited() === undefined;
      if (!alreadyRunning) {
        restarted = true;
        this.#runningDigest = undefined;
        await this.#phase(
          d,
          "start",
          "started",
          () => this.options.launcher.restart(dir),
          () => ({ driver: this.options.launcher.kind }),
        );
      }
      // An automatic rollback gets at least the default deadline, whatever the failed request asked for.
      const automaticRollback = d.deploymentAction === "rollback" && d.failure !== null;
      const deadline = automaticRollback
        ? Math.max(d.readyDeadlineMs, this.options.rollbackReadyDeadlineMs ?? 30_000)
        : d.readyDeadlineMs;
      await this.#phase(
        d,
        "ready",
        "ready",
        () => waitUntilReady(this.options.launcher, deadline),
        () => ({
          totalMs: performance.now() - started,
          restarted: !alreadyRunning,
        }),
      );
      if (restarted) {
        this.#runningDigest = entry.layerDigest;
        await this.options.launcher.confirm(); // the previous version (if kept) drains and stops now
      }
      this.metrics.observe("total", performance.now() - started);
      this.metrics.deployments.inc({ outcome: "ready" });
      this.#set("serving", { event: "ready" });
    } catch (error) {
      if (error instanceof Superseded) {
        this.wake(); // the next step deploys the newer generation
        return;
      }
      if (error instanceof LostDeployment) {
        await this.#drop("lost");
        this.wake();
        return;
      }
      const failure = asSfnError(error);
      // The previous version may still be serving (overlapping driver): then it keeps doing so.
      if (restarted) this.#runningDigest = (await this.options.launcher.revert()) ? runningBefore : undefined;
      const row = await this.store.fail(
        d.appName,
        this.options.podId,
        d.generation,
        {
          type: failure.type,
          code: failure.code,
          message: failure.message,
          details: failure.details ?? null,
        },
        true,
        performance.now() - started,
      );
      if (row !== undefined && row.assignedPodId === this.options.podId && row.state === "pending") {
        this.metrics.deployments.inc({ outcome: "rolled_back" });
        this.#set("deploying", { event: "rolled_back", error: failure });
        this.wake(); // the next step deploys the version that was ready before
        return;
      }
      await this.#drop("failed");
      this.options.onTransition?.({ state: this.#state, event: "failed", error: failure });
      this.wake();
    }
  }

  async #pull(image: string, layerDigest: string): Promise<Buffer> {
    const ref = parseReference(image);
    const { manifest } = await this.#registry.getManifest(ref);
    const layer =
      manifest.layers.find((l) => l.annotations?.[Annotations.layerRole] === "application") ??
      manifest.layers.at(-1);
    if (layer === undefined || layer.digest !== layerDigest)
      throw new SystemError(`the manifest of ${image} does not name the catalog's layer ${layerDigest}`, {
        code: SidecarErrorCodes.digestMismatch,
        details: { expected: layerDigest, actual: layer?.digest ?? null },
      });
    return this.#registry.getBlob(ref, layer.digest);
  }

  #leaseSeconds(): number {
    return this.options.leaseSeconds ?? 10;
  }

  async #heartbeat(): Promise<void> {
    if (this.#heartbeatRunning) return this.#heartbeatRunning;
    this.#heartbeatRunning = (async () => {
      try {
        const result = await this.store.heartbeat(
          this.options.podId,
          this.options.base.image,
          this.options.base.interfaceHash,
          this.#state === "stopped" ? "stopping" : this.#state,
          this.#leaseSeconds(),
        );
        this.#lastHeartbeatOk = Date.now();
        this.metrics.unassignedContainers.set(result.unassignedPods);
        const held = this.#held;
        if (held && (result.held?.appName !== held.app || result.held.generation !== held.generation))
          this.wake();
      } catch {
        // Fencing: unable to renew for longer than the lease, another pod may serve our deployment now.
        if (this.#held && Date.now() - this.#lastHeartbeatOk > this.#leaseSeconds() * 1000) this.wake();
      } finally {
        this.#heartbeatRunning = undefined;
      }
    })();
    return this.#heartbeatRunning;
  }

  /** Graceful shutdown: stop the function, give the deployment back to the pool, leave. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#heartbeatTimer);
    this.wake();
    await this.#loop;
    await this.#heartbeatRunning;
    await this.options.launcher.stop();
    await this.store.leave(this.options.podId).catch(() => 0);
    await this.#listener?.close();
    this.#held = undefined;
    this.#set("stopped");
    if (this.options.store === undefined) await this.store.close();
  }
}

function asSfnError(error: unknown): SfnError {
  if (SfnError.isInstance(error)) return error;
  return new SystemError(error instanceof Error ? error.message : String(error), {
    code: "SFN_SIDECAR_INTERNAL",
  });
}

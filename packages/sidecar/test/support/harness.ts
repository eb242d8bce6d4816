import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { INTERFACE_HASH } from "@sfn/contracts";
import { buildApplication } from "../../src/build/build-application.js";
import { publishApplication } from "../../src/build/publish.js";
import { DeploymentStore } from "../../src/db/deployment-store.js";
import { platformModulesDir } from "../../src/launcher/modules-dir.js";
import { ProcessLauncher } from "../../src/launcher/process-launcher.js";
import { runtimeCommand } from "../../src/launcher/runtime-command.js";
import { Sidecar, type SidecarOptions } from "../../src/sidecar/sidecar.js";
import { pushBaseImage } from "./base-image.js";
import { freshDatabase } from "./database.js";
import { type EchoServiceOptions, writeEchoService } from "./services.js";

/** node_modules that holds @sfn/runtime: what the base image provides at /opt/sfn/node_modules. */
export const platformModules = platformModulesDir(dirname(fileURLToPath(import.meta.url)))!;

export interface Harness {
  databaseUrl: string;
  store: DeploymentStore;
  registry: string;
  baseImage: string;
  topicPrefix: string;
  work: string;
  sidecars: Sidecar[];
  /** Builds and publishes a version of an echo service; returns the build result. */
  publish(
    version: string,
    service: EchoServiceOptions & { interfaceHash?: string },
  ): Promise<Awaited<ReturnType<typeof buildApplication>>>;
  sidecar(podId: string, overrides?: Partial<SidecarOptions>): Sidecar;
  close(): Promise<void>;
}

export async function createHarness(name: string): Promise<Harness> {
  const registry = process.env.SFN_TEST_REGISTRY!;
  const databaseUrl = await freshDatabase(`sfn_sidecar_${name}`);
  const store = DeploymentStore.connect(databaseUrl, 8);
  const baseImage = await pushBaseImage(registry);
  const work = mkdtempSync(join(tmpdir(), `sfn-sidecar-${name}-`));
  const topicPrefix = `sidecar-test/${name}-${process.pid}`;
  const sidecars: Sidecar[] = [];
  const harness: Harness = {
    databaseUrl,
    store,
    registry,
    baseImage,
    topicPrefix,
    work,
    sidecars,
    async publish(version, service) {
      const dir = writeEchoService(join(work, "src", `${service.name ?? "EchoService"}-${version}`), service);
      const built = await buildApplication({
        serviceDir: dir,
        version,
        baseImage,
        outDir: join(work, "images", `${service.name ?? "echo"}-${version}`),
        ...(service.interfaceHash ? { interfaceHash: service.interfaceHash } : {}),
      });
      await publishApplication({
        layoutDir: built.outDir,
        repository: `${registry}/sfn-test/${name}/${built.app.toLowerCase()}`,
        store,
      });
      return built;
    },
    sidecar(podId, overrides = {}) {
      const sidecar = new Sidecar({
        podId,
        databaseUrl,
        base: { image: baseImage, interfaceHash: INTERFACE_HASH },
        appsDir: join(work, "pods", podId),
        modulesDir: platformModules,
        launcher: new ProcessLauncher({
          // What `sfn-sidecar run` passes: node or python by the application's sfn-app.json.
          command: runtimeCommand(),
          env: {
            SFN_OIDC_ISSUER: undefined,
            SFN_DATABASE_URL: undefined,
            SFN_MQTT_URL: process.env.SFN_MQTT_URL,
            SFN_TOPIC_PREFIX: topicPrefix,
            SFN_LOG_LEVEL: "warn",
            SFN_REPLICA_ID: podId,
          },
          stopGraceMs: 5000,
        }),
        pollIntervalMs: 1000,
        heartbeatIntervalMs: 300,
        leaseSeconds: 2,
        ...(process.env.SFN_TEST_DEBUG
          ? {
              onTransition: (t) =>
                console.error(
                  `[${podId}] ${t.state} ${t.app ?? ""} ${t.event ?? ""} ${t.error ? `${t.error.code}: ${t.error.message}` : ""}`,
                ),
            }
          : {}),
        ...overrides,
      });
      sidecars.push(sidecar);
      return sidecar;
    },
    async close() {
      await Promise.all(sidecars.map((s) => s.stop().catch(() => {})));
      await store.close();
    },
  };
  return harness;
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

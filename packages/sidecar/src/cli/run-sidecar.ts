import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KubernetesLauncher } from "../launcher/kubernetes-launcher.js";
import { platformModulesDir } from "../launcher/modules-dir.js";
import { ProcessLauncher } from "../launcher/process-launcher.js";
import { runtimeCommand } from "../launcher/runtime-command.js";
import { supervise } from "../launcher/supervise.js";
import { startMetricsServer } from "../sidecar/metrics-server.js";
import { loadSidecarSettings } from "../sidecar/settings.js";
import { Sidecar } from "../sidecar/sidecar.js";

/** `sfn-sidecar run`: the pod's sidecar until SIGTERM/SIGINT (then a graceful release). */
export async function runSidecar(env: Record<string, string | undefined> = process.env): Promise<void> {
  const settings = loadSidecarSettings(env);
  const launcher =
    settings.launcher === "kubernetes"
      ? new KubernetesLauncher({ httpPort: settings.functionHttpPort ?? 8080 })
      : new ProcessLauncher({
          env,
          command: runtimeCommand({ env }),
          ...(settings.functionHttpPort ? { httpPort: settings.functionHttpPort } : {}),
          onOutput: (line) => process.stdout.write(`${line}\n`),
        });
  const sidecar = new Sidecar({
    podId: settings.podId,
    databaseUrl: settings.databaseUrl,
    base: {
      image: settings.baseImage,
      interfaceHash: settings.interfaceHash,
      compatibleInterfaceHashes: settings.compatibleInterfaceHashes,
    },
    appsDir: settings.appsDir,
    launcher,
    pollIntervalMs: settings.pollIntervalMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    leaseSeconds: settings.leaseSeconds,
    ...(settings.launcher === "process"
      ? { modulesDir: platformModulesDir(dirname(fileURLToPath(import.meta.url))) }
      : {}),
    onTransition: ({ state, app, event, error }) =>
      process.stdout.write(
        `${JSON.stringify({ msg: "sidecar", pod: settings.podId, state, app, event, error: error && { code: error.code, message: error.message } })}\n`,
      ),
  });
  await sidecar.start();
  const metrics =
    settings.metricsPort === undefined ? undefined : await startMetricsServer(sidecar, settings.metricsPort);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  await sidecar.stop();
  await metrics?.close();
}

/** `sfn-sidecar supervise <app-link>`: the main container's process (kubernetes driver). */
export async function runSupervisor(appLink: string, env: Record<string, string | undefined>): Promise<void> {
  const port = Number(env.SFN_HTTP_PORT || 8080);
  // SFN_HTTP_PORT is the supervisor's fixed port; each function process gets a private one.
  await supervise(join(appLink), {
    env,
    command: runtimeCommand({ env }),
    httpPort: port,
    onOutput: (line) => process.stdout.write(`${line}\n`),
  });
}

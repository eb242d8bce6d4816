import { type ChildProcess, spawn } from "node:child_process";
import { isSupervisorCommand, KubernetesLauncher } from "../../src/launcher/kubernetes-launcher.js";
import type { Harness } from "./harness.js";

/**
 * Starts a pod's main container as a process of this PID namespace: `command` is the supervisor of a
 * base image (`node …/cli.js supervise <link>`, `python -m sfn_runtime.supervise <link>`), serving the
 * fixed port `port`, its functions on the harness's broker and topic prefix.
 */
export function startSupervisor(
  h: Harness,
  command: string[],
  port: number,
  replicaId: string,
): ChildProcess {
  return spawn(command[0]!, command.slice(1), {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      SFN_HTTP_PORT: String(port),
      SFN_OIDC_ISSUER: "",
      SFN_DATABASE_URL: "",
      SFN_TOPIC_PREFIX: h.topicPrefix,
      SFN_REPLICA_ID: `${replicaId}-${process.pid}`,
      SFN_LOG_LEVEL: "warn",
    },
  });
}

/** The kubernetes driver for the supervisor of `link` only: other test files run supervisors too. */
export function supervisorLauncher(port: number, link: string): KubernetesLauncher {
  return new KubernetesLauncher({
    httpPort: port,
    isSupervisor: (args) => isSupervisorCommand(args) && args.includes(link),
  });
}

export async function stopSupervisor(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

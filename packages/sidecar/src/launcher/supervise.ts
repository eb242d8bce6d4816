import { existsSync, realpathSync } from "node:fs";
import { ProcessLauncher, type ProcessLauncherOptions } from "./process-launcher.js";

/**
 * The main container's process (`sfn-sidecar supervise <app-link>`, found by the kubernetes driver by
 * that command line): runs the function from the directory `appLink`
 * points to, restarts it on SIGHUP, stops it on SIGUSR2, and stops it and exits on SIGTERM.
 */
export async function supervise(appLink: string, options: ProcessLauncherOptions): Promise<void> {
  const launcher = new ProcessLauncher(options);
  let queue = Promise.resolve();
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work, work).catch((error: unknown) => {
      process.stderr.write(`sfn-supervise: ${String(error)}\n`);
    });
  };
  const restart = async (): Promise<void> => {
    if (existsSync(appLink)) await launcher.restart(realpathSync(appLink));
    else await launcher.stop();
  };
  process.on("SIGHUP", () => enqueue(restart));
  process.on("SIGUSR2", () => enqueue(() => launcher.stop()));
  // Signal handlers do not keep Node running; with no function yet, nothing else would.
  const keepAlive = setInterval(() => {}, 60_000);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () =>
      enqueue(async () => {
        await launcher.stop();
        clearInterval(keepAlive);
        resolve();
      }),
    );
    enqueue(restart);
  });
}

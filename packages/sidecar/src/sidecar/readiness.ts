import { SystemError } from "@sfn/contracts";
import { SidecarErrorCodes } from "../errors.js";
import type { Launcher } from "../launcher/launcher.js";

/**
 * Polls the function's `/readyz` until it answers 200, the process exits, or the deadline passes
 * (SFN_FUNCTION_NOT_READY / SFN_FUNCTION_EXITED).
 */
export async function waitUntilReady(launcher: Launcher, deadlineMs: number, intervalMs = 20): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const exited = launcher.exited();
    if (exited !== undefined)
      throw new SystemError(`the function exited before it was ready (${exited})`, {
        code: SidecarErrorCodes.exited,
        details: { exit: exited },
      });
    try {
      const response = await fetch(launcher.readyUrl(), { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() >= until)
      throw new SystemError(`the function was not ready within ${deadlineMs} ms`, {
        code: SidecarErrorCodes.notReady,
        details: { deadlineMs },
      });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

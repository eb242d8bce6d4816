import { mkdirSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";

/**
 * Runs `fn` while holding the fixture's cross-process lock (`<dir>/fixture.lock`, a proper-lockfile
 * mkdir lock whose mtime is refreshed while held, so a crashed holder goes stale after 30 s).
 * Parallel `sfn-fixture up` calls and vitest runs queue here instead of racing to start the same
 * services; waits up to 10 minutes (a cold start may include an apt-get install).
 */
export async function withFixtureLock<T>(dir: string, fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const release = await lockfile.lock(dir, {
    lockfilePath: join(dir, "fixture.lock"),
    realpath: false,
    stale: 30_000,
    update: 5_000,
    retries: { retries: Math.ceil(waitMs / 100), factor: 1, minTimeout: 100, maxTimeout: 100 },
    onCompromised: (err) => {
      process.emitWarning(`sfn-fixture lock compromised: ${err.message}`);
    },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}

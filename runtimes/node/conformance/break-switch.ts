import { ValidationError } from "@sfn/contracts";
import type { HostTransport } from "@sfn/runtime";

/**
 * SFN_CONFORMANCE_BREAK: deliberately breaks one behaviour of this service (never of @sfn/runtime), so
 * the conformance suite's own test can prove that the suite catches it.
 * - `ack-before-processing`: every call is acknowledged as soon as it arrives and processed afterwards;
 *   a stop or a crash loses the calls in progress, and SIGTERM no longer drains them.
 * - `no-dedup`: exactly-once effects off; a duplicate callId runs the function again.
 */
export const BREAK_MODES = ["ack-before-processing", "no-dedup"] as const;
export type BreakMode = (typeof BREAK_MODES)[number];

export const BREAK_SETTING = "SFN_CONFORMANCE_BREAK";

export function readBreakMode(env: Record<string, string | undefined>): BreakMode | undefined {
  const raw = env[BREAK_SETTING];
  if (raw === undefined || raw === "" || raw === "none") return undefined;
  if ((BREAK_MODES as readonly string[]).includes(raw)) return raw as BreakMode;
  throw new ValidationError(`invalid setting ${BREAK_SETTING}: expected ${BREAK_MODES.join(" or ")}`, {
    details: { setting: BREAK_SETTING, expected: [...BREAK_MODES] },
  });
}

/** Wraps a transport so that each message is acknowledged before it is processed (the broken behaviour). */
export function ackBeforeProcessing(inner: HostTransport): HostTransport {
  return {
    start: (handler) =>
      inner.start((message) => {
        void handler(message);
        return Promise.resolve();
      }),
    drain: (graceMs) => inner.drain(graceMs),
    close: (options) => inner.close(options),
    get connected() {
      return inner.connected;
    },
  };
}

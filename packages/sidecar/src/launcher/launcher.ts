/** What the sidecar needs from whatever runs the function: restart it from an application directory. */
export interface Launcher {
  readonly kind: "process" | "kubernetes";
  /**
   * Stops the running function (if any) and starts it from `appDir` — the design document's full
   * restart: nothing of the previous version survives in the new process.
   */
  restart(appDir: string): Promise<void>;
  /** Stops the function; the pod goes back to monitoring mode. */
  stop(): Promise<void>;
  /** The function's readiness URL (the runtime's `/readyz`). */
  readyUrl(): string;
  /** Resolves with an exit description when the function process ends (undefined while running). */
  exited(): string | undefined;
}

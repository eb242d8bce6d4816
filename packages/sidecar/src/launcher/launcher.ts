/** What the sidecar needs from whatever runs the function: restart it from an application directory. */
export interface Launcher {
  readonly kind: "process" | "kubernetes";
  /**
   * Starts the function from `appDir` in a new process — the design document's full restart: nothing
   * of the previous version survives in it. A driver may keep the previous process serving until
   * `confirm` (overlap); otherwise it stops it first.
   */
  restart(appDir: string): Promise<void>;
  /** The new process is ready: stop the previous one, if it was kept. */
  confirm(): Promise<void>;
  /** The new process failed: stop it; true when the previous one is still serving. */
  revert(): Promise<boolean>;
  /** Stops the function; the pod goes back to monitoring mode. */
  stop(): Promise<void>;
  /** The function's readiness URL (the runtime's `/readyz`). */
  readyUrl(): string;
  /** How the function process ended, or undefined while it runs. */
  exited(): string | undefined;
}

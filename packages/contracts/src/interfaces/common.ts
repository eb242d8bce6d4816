/** Options every I/O operation accepts. */
export interface OperationOptions {
  /** Cancels the operation; it then rejects with the signal's reason or an SFN_ABORTED error. */
  signal?: AbortSignal;
}

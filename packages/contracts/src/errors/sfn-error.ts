import type { ErrorInfo, ErrorType } from "../generated/wire-types.generated.js";

// Symbol.for survives duplicate copies of this package in one process, where instanceof does not.
const SFN_ERROR_MARKER = Symbol.for("@sfn/contracts.SfnError");

export interface SfnErrorOptions {
  /** Stable machine-readable code (SCREAMING_SNAKE_CASE). */
  code?: string;
  /** Structured data about the failure; travels on the wire. */
  details?: unknown;
  /** Overrides the type's default retryability. */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * Base class of every error the sfn libraries raise. Branch on `type` and `code`, never on `message`.
 * Each subclass corresponds to one `ErrorType` of the wire protocol.
 */
export abstract class SfnError extends Error {
  abstract readonly type: ErrorType;
  readonly #code: string | undefined;
  readonly details: unknown;
  readonly #retryable: boolean | undefined;

  constructor(message: string, options: SfnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.#code = options.code;
    this.details = options.details;
    this.#retryable = options.retryable;
    Object.defineProperty(this, SFN_ERROR_MARKER, { value: true });
  }

  /** Stable machine-readable code; defaults to the type's code (SFN_VALIDATION, SFN_NOT_FOUND, …). */
  get code(): string {
    return this.#code ?? defaultCodeFor(this.type);
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** Whether repeating the same call may succeed: by default SystemError and TimeoutError are. */
  get retryable(): boolean {
    return this.#retryable ?? (this.type === "SystemError" || this.type === "TimeoutError");
  }

  static isInstance(value: unknown): value is SfnError {
    return typeof value === "object" && value !== null && SFN_ERROR_MARKER in value;
  }

  /** The wire form of this error (no stack, no cause). */
  toErrorInfo(): ErrorInfo {
    const info: ErrorInfo = { type: this.type, code: this.code, message: this.message };
    if (this.details !== undefined) info.details = this.details;
    if (this.#retryable !== undefined) info.retryable = this.#retryable;
    return info;
  }

  toJSON(): ErrorInfo {
    return this.toErrorInfo();
  }
}

function defaultCodeFor(className: string): string {
  return `SFN_${className
    .replace(/Error$/, "")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toUpperCase()}`;
}

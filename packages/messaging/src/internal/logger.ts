/** Where the client reports what it does; every method is optional. Fields never contain tokens. */
export interface MessagingLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/** A logger that never throws: a failing logger must not break message handling. */
export type SafeLogger = Record<LogLevel, (message: string, fields?: Record<string, unknown>) => void>;

/** Writes warnings and errors to the console; debug and info stay silent unless a logger is given. */
export const consoleWarnLogger: MessagingLogger = {
  warn: (message, fields) => console.warn(`[sfn/messaging] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[sfn/messaging] ${message}`, fields ?? ""),
};

export function safeLogger(logger: MessagingLogger): SafeLogger {
  const wrap =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        logger[level]?.(message, fields);
      } catch {
        // A broken logger is not worth a lost message.
      }
    };
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}

/** The structured logger the runtime and functions use (pino-compatible subset). */
export interface RuntimeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): RuntimeLogger;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** A minimal JSON-lines logger (pino's line format) to stdout. */
export function jsonLogger(level: LogLevel = "info", bindings: object = {}): RuntimeLogger {
  const min = LEVELS[level];
  const write = (lvl: Exclude<LogLevel, "silent">) => (obj: object, msg?: string) => {
    if (LEVELS[lvl] < min) return;
    process.stdout.write(
      `${JSON.stringify({ level: LEVELS[lvl], time: Date.now(), ...bindings, ...obj, ...(msg ? { msg } : {}) })}\n`,
    );
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => jsonLogger(level, { ...bindings, ...more }),
  };
}

export const silentLogger: RuntimeLogger = jsonLogger("silent");

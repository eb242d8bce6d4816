import type { ServiceLogLine } from "./service-process.js";

const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "service", "replica"]);

/** A pino JSON line as `HH:MM:SS level message key=value…`; anything else unchanged. */
export function formatLogLine(line: ServiceLogLine | { stream: "dev"; text: string }): string {
  if (line.stream === "dev") return `[sfn dev] ${line.text}`;
  const json = (line as ServiceLogLine).json;
  if (!json) return line.text;
  const time = typeof json.time === "number" ? new Date(json.time).toISOString().slice(11, 19) : "";
  const level = LEVELS[json.level ?? 30] ?? String(json.level);
  const extras = Object.entries(json)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time} ${level.padEnd(5)} ${json.msg ?? ""}${extras ? `  ${extras}` : ""}`;
}

/** Quotes a value for a POSIX shell command line. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

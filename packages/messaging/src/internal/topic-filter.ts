import { ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";

const MAX_TOPIC_BYTES = 65_535;

/** A subscription filter split into its `$share` group (if any) and the filter the broker matches. */
export interface ParsedFilter {
  /** The filter as given, e.g. `$share/workers/jobs/+`. */
  raw: string;
  /** The part topics are matched against, e.g. `jobs/+`. */
  filter: string;
  /** The shared-subscription group, e.g. `workers`. */
  shareGroup?: string;
}

function invalid(filter: string, problem: string): never {
  throw new ValidationError(`invalid topic filter '${filter.slice(0, 80)}': ${problem}`, {
    code: MessagingErrorCodes.topicInvalid,
  });
}

/** Checks an MQTT topic filter (wildcards, `$share/{group}/{filter}`) and splits off the share group. */
export function parseTopicFilter(raw: string): ParsedFilter {
  if (typeof raw !== "string" || raw.length === 0) invalid(String(raw), "it is empty");
  if (Buffer.byteLength(raw, "utf8") > MAX_TOPIC_BYTES) invalid(raw, "it is too long");
  if (raw.includes("\u0000")) invalid(raw, "it contains NUL");
  let filter = raw;
  let shareGroup: string | undefined;
  if (raw.startsWith("$share/")) {
    const rest = raw.slice("$share/".length);
    const slash = rest.indexOf("/");
    shareGroup = slash === -1 ? rest : rest.slice(0, slash);
    filter = slash === -1 ? "" : rest.slice(slash + 1);
    if (shareGroup.length === 0 || /[+#]/.test(shareGroup)) invalid(raw, "the share group name is not valid");
    if (filter.length === 0) invalid(raw, "a shared subscription needs a filter after the group");
  }
  const levels = filter.split("/");
  levels.forEach((level, index) => {
    if (level.includes("#") && (level !== "#" || index !== levels.length - 1)) {
      invalid(raw, "'#' must be a whole last level");
    }
    if (level.includes("+") && level !== "+") invalid(raw, "'+' must be a whole level");
  });
  return shareGroup === undefined ? { raw, filter } : { raw, filter, shareGroup };
}

/** Whether a topic name matches a filter (MQTT 4.7: `+` one level, `#` the rest; `$` topics need a literal first level). */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const filterLevels = filter.split("/");
  const topicLevels = topic.split("/");
  if (topic.startsWith("$") && (filterLevels[0] === "+" || filterLevels[0] === "#")) return false;
  for (let i = 0; i < filterLevels.length; i++) {
    const level = filterLevels[i];
    if (level === "#") return true;
    if (i >= topicLevels.length) return false;
    if (level !== "+" && level !== topicLevels[i]) return false;
  }
  return filterLevels.length === topicLevels.length;
}

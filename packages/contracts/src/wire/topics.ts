import { ValidationError } from "../errors/error-types.js";

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;
const MAX_TOPIC_BYTES = 1024;

export interface TopicOptions {
  /** Deployment-wide prefix (e.g. to isolate a test run); applied to every sfn topic. */
  prefix?: string;
}

function withPrefix(topic: string, options: TopicOptions | undefined): string {
  const prefix = options?.prefix;
  return prefix ? `${prefix.replace(/\/+$/, "")}/${topic}` : topic;
}

export function isValidServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

function assertServiceName(name: string): void {
  if (!isValidServiceName(name)) {
    throw new ValidationError(`invalid service name '${name}': expected ${SERVICE_NAME.source}`, {
      code: "SFN_TOPIC_INVALID",
    });
  }
}

/** Topic that calls to a service are published to: `service/{name}`. */
export function serviceTopic(serviceName: string, options?: TopicOptions): string {
  assertServiceName(serviceName);
  return withPrefix(`service/${serviceName}`, options);
}

/** Shared subscription of a service's replicas: `$share/{group}/service/{name}`, group `sfn-{name}` by default. */
export function sharedServiceSubscription(
  serviceName: string,
  options?: TopicOptions & { group?: string },
): string {
  const group = options?.group ?? `sfn-${serviceName}`;
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(group)) {
    throw new ValidationError(`invalid shared subscription group '${group}'`, { code: "SFN_TOPIC_INVALID" });
  }
  return `$share/${group}/${serviceTopic(serviceName, options)}`;
}

/** A client session's reply topic: `reply/{sessionId}`. */
export function replyTopic(sessionId: string, options?: TopicOptions): string {
  return withPrefix(`reply/${sessionId}`, options);
}

/** Where a service's dead letters go: `dlq/{name}`. */
export function deadLetterTopic(serviceName: string, options?: TopicOptions): string {
  assertServiceName(serviceName);
  return withPrefix(`dlq/${serviceName}`, options);
}

/** Throws a ValidationError unless `topic` may be published to (no wildcards, no `$` topics, bounded length). */
export function assertPublishTopic(topic: string): void {
  let problem: string | undefined;
  if (topic.length === 0) problem = "is empty";
  else if (Buffer.byteLength(topic, "utf8") > MAX_TOPIC_BYTES)
    problem = `is longer than ${MAX_TOPIC_BYTES} bytes`;
  else if (/[+#]/.test(topic)) problem = "contains a wildcard";
  else if (topic.startsWith("$")) problem = "starts with '$'";
  else if (topic.includes("\u0000")) problem = "contains NUL";
  if (problem !== undefined) {
    throw new ValidationError(`cannot publish to topic '${topic.slice(0, 80)}': it ${problem}`, {
      code: "SFN_TOPIC_INVALID",
    });
  }
}

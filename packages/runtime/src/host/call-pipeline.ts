import { extractBearerToken } from "@sfn/authenticator";
import {
  asCallEnvelope,
  type CallEnvelope,
  decodeEnvelope,
  ErrorCodes,
  type ErrorInfo,
  NotFoundError,
  SfnError,
  SystemError,
  TimeoutError,
  type UserContext,
  ValidationError,
} from "@sfn/contracts";
import { traceFields } from "../observability/trace-fields.js";
import { publishDeadLetter } from "./dead-letter.js";
import { executeCall } from "./execute.js";
import type { HostContext } from "./host-context.js";
import { echoCallId, publishReply, replyTarget } from "./replies.js";
import type { InboundMessage } from "./transport.js";

/** Where a failing step's reply goes, if anywhere (P-LIFE-2). */
interface ReplyRoute {
  publish: InboundMessage["publish"];
  topic: string;
  callId: string | undefined;
  headers: unknown;
}

/**
 * Processes one message of the service subscription (protocol.md §7.1, steps 2–14); the caller
 * acknowledges when this resolves (step 15). Never rejects, whatever the input (P-LIFE-1).
 */
export async function processMessage(host: HostContext, message: InboundMessage): Promise<void> {
  const started = process.hrtime.bigint();
  host.metrics.inFlight.inc();
  let fnLabel = "-";
  try {
    fnLabel = await pipeline(host, message);
  } catch (error) {
    host.logger.error({ err: error instanceof Error ? error.stack : String(error) }, "pipeline failure");
  } finally {
    host.metrics.inFlight.dec();
    host.metrics.latency.observe({ function: fnLabel }, Number(process.hrtime.bigint() - started) / 1e9);
  }
}

async function pipeline(host: HostContext, message: InboundMessage): Promise<string> {
  // Step 2: size, before parsing. A reply is possible only through MQTT 5 properties (P-SIZE-3).
  if (message.payload.byteLength > host.maxPayloadBytes) {
    const topic = replyTarget(message.responseTopic);
    const error = new ValidationError("payload exceeds the size limit", {
      code: ErrorCodes.payloadTooLarge,
      details: { size: message.payload.byteLength, limit: host.maxPayloadBytes },
    });
    if (!topic) return poison(host, error);
    const callId = echoCallId(message.correlationData?.toString("utf8"));
    return replyError(
      host,
      { publish: message.publish, topic, callId, headers: undefined },
      error.toErrorInfo(),
      "-",
    );
  }
  // Steps 3–5: decode, version, envelope schema.
  let envelope: ReturnType<typeof decodeEnvelope>;
  try {
    envelope = decodeEnvelope(message.payload, { maxBytes: host.maxPayloadBytes });
  } catch (error) {
    const sfn = error as SfnError;
    if (sfn.code === ErrorCodes.envelopeMalformed) return poison(host, sfn);
    const raw = parseLoosely(message.payload);
    const topic = replyTarget(raw?.replyTo);
    if (!topic) return poison(host, sfn);
    return replyError(
      host,
      { publish: message.publish, topic, callId: echoCallId(raw?.callId), headers: raw?.headers },
      sfn.toErrorInfo(),
      "-",
    );
  }
  // Step 6: is it a call?
  const topic = replyTarget(envelope.replyTo);
  let call: CallEnvelope;
  try {
    call = asCallEnvelope(envelope);
  } catch (error) {
    if (!topic) return poison(host, error as SfnError);
    const route = {
      publish: message.publish,
      topic,
      callId: echoCallId(envelope.callId),
      headers: envelope.headers,
    };
    return replyError(host, route, (error as SfnError).toErrorInfo(), "-");
  }
  if (!topic) {
    // replyTo present but not publishable: no reply is possible (P-TOP-5).
    return poison(
      host,
      new ValidationError("replyTo is not a publishable topic", { code: ErrorCodes.callInvalid }),
    );
  }
  const route: ReplyRoute = { publish: message.publish, topic, callId: call.callId, headers: call.headers };
  const fnName = call.body.function;
  const spec = host.service.contract.functions[fnName];
  const label = spec ? fnName : "-";
  // Step 7: deadline.
  const deadline = call.headers.deadline === undefined ? undefined : Number(call.headers.deadline);
  if (deadline !== undefined && host.now() >= deadline) {
    const error = new TimeoutError("the call's deadline has passed", { code: ErrorCodes.deadlineExpired });
    return replyError(host, route, error.toErrorInfo(), label);
  }
  // Step 8: authenticate (unknown functions require a token, so they cannot be enumerated anonymously).
  let user: UserContext | undefined;
  try {
    const header = call.headers.authorization;
    user =
      (header !== undefined && host.tokens.get(header)) ||
      (await authenticate(host, call, spec?.authenticated === false));
  } catch (error) {
    return replyError(host, route, toInfo(error), label);
  }
  // Step 9: route.
  const handler = host.service.functions[fnName];
  if (!spec || !handler) {
    const error = new NotFoundError(`function ${fnName} does not exist`, {
      code: ErrorCodes.functionNotFound,
      details: { function: fnName },
    });
    return replyError(host, route, error.toErrorInfo(), label);
  }
  // Step 10: parameters, all violations collected.
  const check = host.validators.get(fnName)?.input(call.body.parameters);
  if (check && !check.valid) {
    const error = new ValidationError(`parameters do not match the input schema of ${fnName}`, {
      code: ErrorCodes.parametersInvalid,
      details: { violations: check.violations },
    });
    return replyError(host, route, error.toErrorInfo(), label);
  }
  // Steps 11–14.
  const timeoutMs = spec.timeoutMs ?? host.defaultTimeoutMs;
  const limitAt = Math.min(host.now() + timeoutMs, deadline ?? Number.POSITIVE_INFINITY);
  const outcome = await executeCall(host, { envelope: call, fn: fnName, spec, handler, user, limitAt });
  if (outcome.kind === "drop") {
    host.metrics.poison.inc();
    host.logger.info({ callId: call.callId, function: fnName, reason: outcome.reason }, "message dropped");
    return label;
  }
  if (outcome.kind === "error") {
    if (outcome.deadLetter) {
      await publishDeadLetter(host, message.publish, call, user, fnName, outcome.error, outcome.attempts);
    }
    return replyError(host, route, outcome.error, label);
  }
  if (outcome.kind === "duplicate") host.metrics.dedupHits.inc();
  const json = outcome.kind === "success" ? outcome.json : undefined;
  publishReply(host, route.publish, route.topic, route.callId, outcome.body, route.headers, json);
  host.metrics.calls.inc({ function: label, outcome: outcome.kind });
  return label;
}

async function authenticate(
  host: HostContext,
  call: CallEnvelope,
  optional: boolean,
): Promise<UserContext | undefined> {
  const header = call.headers.authorization;
  if (header === undefined && optional) return undefined;
  const token = extractBearerToken(header);
  if (!host.authenticator) {
    throw new SystemError("no authenticator is configured", {
      code: ErrorCodes.unauthenticated,
      details: { reason: "issuer_unavailable" },
    });
  }
  const user = await host.authenticator.validateToken(token);
  if (header !== undefined) host.tokens.set(header, user);
  return user;
}

function toInfo(error: unknown): ErrorInfo {
  if (SfnError.isInstance(error)) return error.toErrorInfo();
  return { type: "SystemError", code: ErrorCodes.internal, message: "internal error" };
}

function replyError(host: HostContext, route: ReplyRoute, error: ErrorInfo, label: string): string {
  publishReply(host, route.publish, route.topic, route.callId, { status: "error", error }, route.headers);
  host.metrics.calls.inc({ function: label, outcome: "error" });
  host.metrics.errors.inc({ type: error.type, code: error.code });
  host.logger.info(
    {
      callId: route.callId,
      function: label,
      type: error.type,
      code: error.code,
      ...traceFields(route.headers),
    },
    "error reply",
  );
  return label;
}

function poison(host: HostContext, error: SfnError): string {
  host.metrics.poison.inc();
  host.logger.warn({ type: error.type, code: error.code }, "poison message acknowledged without reply");
  return "-";
}

function parseLoosely(
  payload: Buffer,
): { replyTo?: unknown; callId?: unknown; headers?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(payload.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

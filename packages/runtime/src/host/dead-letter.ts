import {
  createMessageEnvelope,
  type DeadLetter,
  deadLetterTopic,
  type Envelope,
  type ErrorInfo,
  encodeEnvelope,
  mqttPropertiesFor,
  serviceTopic,
  type UserContext,
} from "@sfn/contracts";
import { insertDeadLetter } from "../dlq/dead-letter-store.js";
import type { HostContext } from "./host-context.js";
import { replyHeaders } from "./replies.js";
import type { InboundMessage } from "./transport.js";

/**
 * Publishes the dead letter of a call that ended in a final SystemError or a `deadLetterNow` answer
 * (P-ERR-9), token removed, to `dlq/{service}`, and records it in sfn_runtime.dead_letters (through the
 * circuit breaker: a dead database does not delay the error reply). Never rejects.
 */
export async function publishDeadLetter(
  host: HostContext,
  publish: InboundMessage["publish"],
  call: Envelope,
  user: UserContext | undefined,
  fn: string,
  error: ErrorInfo,
  attempts: number,
): Promise<void> {
  const topicOptions = host.topicPrefix ? { prefix: host.topicPrefix } : undefined;
  const { authorization: _token, ...headers } = call.headers;
  const body: DeadLetter = {
    service: host.service.name,
    function: fn,
    attempts,
    failedAt: new Date(host.now()).toISOString(),
    error,
    envelope: { ...call, headers },
  };
  try {
    const envelope = createMessageEnvelope(body, replyHeaders(call.headers));
    publish(
      deadLetterTopic(host.service.name, topicOptions),
      encodeEnvelope(envelope),
      mqttPropertiesFor(envelope, host.now()),
    );
    host.metrics.deadLetters.inc();
  } catch (failure) {
    host.logger.error({ callId: call.callId, err: String(failure) }, "dead letter publish failed");
  }
  const driver = host.dataStores?.driver;
  if (!driver || !host.deadLetterTable) return;
  try {
    await host.database.run(() =>
      insertDeadLetter(driver, {
        ...body,
        subject: user?.userId ?? null,
        topic: serviceTopic(host.service.name, topicOptions),
      }),
    );
  } catch (failure) {
    host.logger.warn(
      { callId: call.callId, err: String((failure as Error)?.message ?? failure) },
      "dead letter not stored in the table (it was published to the topic)",
    );
  }
}

import {
  createMessageEnvelope,
  type DeadLetter,
  deadLetterTopic,
  type Envelope,
  type ErrorInfo,
  encodeEnvelope,
  mqttPropertiesFor,
} from "@sfn/contracts";
import type { HostContext } from "./host-context.js";
import { replyHeaders } from "./replies.js";
import type { InboundMessage } from "./transport.js";

/** Publishes the dead letter of a call that ended in a final SystemError (P-ERR-9), token removed. */
export function publishDeadLetter(
  host: HostContext,
  publish: InboundMessage["publish"],
  call: Envelope,
  fn: string,
  error: ErrorInfo,
  attempts: number,
): void {
  try {
    const { authorization: _token, ...headers } = call.headers;
    const body: DeadLetter = {
      service: host.service.name,
      function: fn,
      attempts,
      failedAt: new Date(host.now()).toISOString(),
      error,
      envelope: { ...call, headers },
    };
    const envelope = createMessageEnvelope(body, replyHeaders(call.headers));
    const topic = deadLetterTopic(
      host.service.name,
      host.topicPrefix ? { prefix: host.topicPrefix } : undefined,
    );
    publish(topic, encodeEnvelope(envelope), mqttPropertiesFor(envelope, host.now()));
    host.metrics.deadLetters.inc();
  } catch (failure) {
    host.logger.error({ callId: call.callId, err: String(failure) }, "dead letter publish failed");
  }
}

/**
 * Codes this package raises in addition to the wire codes of `@sfn/contracts` (`ErrorCodes`). They are
 * local to the client (never put on the wire by it) and stable: branch on them, never on messages.
 */
export const MessagingErrorCodes = {
  /** sendAndWait: no reply before the timeout (TimeoutError; the wire code of contracts). */
  replyTimeout: "SFN_REPLY_TIMEOUT",
  /** receive/receiveBinary: nothing arrived before the timeout (TimeoutError). */
  receiveTimeout: "SFN_RECEIVE_TIMEOUT",
  /** The operation was cancelled through its AbortSignal (SystemError, not retryable). */
  aborted: "SFN_ABORTED",
  /** The client was closed (or is closing) before the operation completed (SystemError). */
  clientClosed: "SFN_CLIENT_CLOSED",
  /** The first connection to the broker failed or timed out (SystemError). */
  brokerUnavailable: "SFN_BROKER_UNAVAILABLE",
  /** The broker refused a publish or a subscription, or the connection failed under it (SystemError). */
  brokerRejected: "SFN_BROKER_REJECTED",
  /** A `$share/` filter was used but the broker does not deliver shared subscriptions (SystemError). */
  sharedSubscriptionUnsupported: "SFN_SHARED_SUBSCRIPTION_UNSUPPORTED",
  /** on-error: a reply arrived for a callId nobody waits for (late, duplicate or forged). */
  replyUnknownCall: "SFN_REPLY_UNKNOWN_CALL",
  /** on-error: a message on the reply topic carries no callId. */
  replyMissingCallId: "SFN_REPLY_MISSING_CALL_ID",
  /** on-error: a hook threw or rejected (the `cause` is the hook's error). */
  hookFailed: "SFN_HOOK_FAILED",
  /** on-error: a subscribe handler threw or rejected; the message was acknowledged anyway. */
  handlerFailed: "SFN_HANDLER_FAILED",
  /** A topic or topic filter is not valid for the operation (ValidationError; wire code of contracts). */
  topicInvalid: "SFN_TOPIC_INVALID",
  /** An argument or option is out of range (ValidationError). */
  invalidArgument: "SFN_INVALID_ARGUMENT",
  /** A binary transfer was corrupt, incomplete or too large (ValidationError; wire code of contracts). */
  transferInvalid: "SFN_TRANSFER_INVALID",
} as const;

export type MessagingErrorCode = (typeof MessagingErrorCodes)[keyof typeof MessagingErrorCodes];

/**
 * Codes the platform itself uses on the wire. Applications add their own codes (any
 * SCREAMING_SNAKE_CASE string) on BusinessLogicError and friends. Keep in step with docs/protocol.md.
 */
export const ErrorCodes = {
  /** Payload is not valid UTF-8 JSON. */
  envelopeMalformed: "SFN_ENVELOPE_MALFORMED",
  /** Payload is JSON but not a valid envelope. */
  envelopeInvalid: "SFN_ENVELOPE_INVALID",
  /** Envelope's protocolVersion major is not supported. */
  protocolUnsupported: "SFN_PROTOCOL_UNSUPPORTED",
  /** Payload exceeds the size limit. */
  payloadTooLarge: "SFN_PAYLOAD_TOO_LARGE",
  /** A call lacks callId or replyTo, or its body is not a CallBody. */
  callInvalid: "SFN_CALL_INVALID",
  /** body.function names no function of the service. */
  functionNotFound: "SFN_FUNCTION_NOT_FOUND",
  /** Parameters fail the function's input schema. */
  parametersInvalid: "SFN_PARAMETERS_INVALID",
  /** The function's result fails its output schema. */
  resultInvalid: "SFN_RESULT_INVALID",
  /** Token rejected; details.reason holds the AuthFailureReason. */
  unauthenticated: "SFN_UNAUTHENTICATED",
  /** Caller lacks a permission. */
  forbidden: "SFN_FORBIDDEN",
  /** The call's deadline passed before it ran. */
  deadlineExpired: "SFN_DEADLINE_EXPIRED",
  /** The function ran past its time limit, min(timeoutMs, deadline − now). */
  timeout: "SFN_TIMEOUT",
  /** The caller's wait for a reply timed out. */
  replyTimeout: "SFN_REPLY_TIMEOUT",
  /** A binary transfer was corrupt or incomplete. */
  transferInvalid: "SFN_TRANSFER_INVALID",
  /** Unexpected failure inside a function; details are withheld. */
  internal: "SFN_INTERNAL",
  /** A topic or service name is not allowed. */
  topicInvalid: "SFN_TOPIC_INVALID",
  /** The operation was cancelled through an AbortSignal. */
  aborted: "SFN_ABORTED",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

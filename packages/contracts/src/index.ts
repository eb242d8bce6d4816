// @sfn/contracts — the canonical definitions every sfn package and language runtime shares.

export { abortError, onAbort, raceAbort, throwIfAborted } from "./errors/abort.js";
export { type ErrorCode, ErrorCodes } from "./errors/error-codes.js";
export {
  BusinessLogicError,
  ConflictError,
  errorClassFor,
  errorFromInfo,
  ForbiddenError,
  NotFoundError,
  type SfnErrorClass,
  SystemError,
  TimeoutError,
  toErrorInfo,
  UnauthorizedError,
  ValidationError,
} from "./errors/error-types.js";
export { SfnError, type SfnErrorOptions } from "./errors/sfn-error.js";
export { INTERFACE_HASH } from "./generated/interface-hash.generated.js";
export type { FactoryMethods, OperationNames } from "./generated/operation-names.generated.js";
export { operationManifests } from "./generated/operations.generated.js";
export { canonicalSchemas } from "./generated/schemas.generated.js";
export type { WireTypes } from "./generated/wire-type-map.generated.js";
export type * from "./generated/wire-types.generated.js";
export {
  type CanonicalDefinitions,
  computeInterfaceHash,
  INTERFACE_HASH_ALGORITHM,
} from "./hash/interface-hash.js";
export { bearerHeader, hasRole } from "./identity/user-context.js";
export type { Authenticator, AuthenticatorFactory } from "./interfaces/authenticator.js";
export type { Authorizer, AuthorizerFactory } from "./interfaces/authorizer.js";
export type { OperationOptions } from "./interfaces/common.js";
export type { DataStore, DataStoreFactory, DocumentInput, UpdateOptions } from "./interfaces/datastore.js";
export type { InterfacesMatchManifests } from "./interfaces/manifest-conformance.js";
export type {
  Hook,
  HookEvent,
  MessageContext,
  MessageHandler,
  Messaging,
  MessagingFactory,
  QoS,
  ReceiveBinaryOptions,
  ReceiveOptions,
  SendAndWaitOptions,
  SendBinaryOptions,
  SendOptions,
  SubscribeOptions,
  Subscription,
} from "./interfaces/messaging.js";
export {
  type SchemaViolation,
  type ValidationResult,
  type WireTypeName,
  type WireTypeOf,
  WireValidator,
  wireValidator,
} from "./validation/validator.js";
export {
  type ChunkFrame,
  decodeChunkFrame,
  encodeChunkFrame,
  type SplitOptions,
  splitIntoChunkFrames,
} from "./wire/binary-chunks.js";
export {
  CHUNK_CONTENT_TYPE,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ENVELOPE_CONTENT_TYPE,
  PROTOCOL_VERSION,
} from "./wire/constants.js";
export {
  asCallEnvelope,
  asReplyBody,
  type CallEnvelope,
  type CallEnvelopeInit,
  createCallEnvelope,
  createErrorReply,
  createMessageEnvelope,
  createSuccessReply,
  type DecodeOptions,
  decodeEnvelope,
  EnvelopeDecodeError,
  encodeEnvelope,
  isCallEnvelope,
  remainingMs,
} from "./wire/envelope-codec.js";
export { newCallId, newMessageId, newSessionId } from "./wire/ids.js";
export { type MqttPublishProperties, messageExpiryFor, mqttPropertiesFor } from "./wire/mqtt-properties.js";
export {
  assertPublishTopic,
  deadLetterTopic,
  isValidServiceName,
  replyTopic,
  serviceTopic,
  sharedServiceSubscription,
  type TopicOptions,
} from "./wire/topics.js";

/** Version of the wire protocol these definitions describe (docs/protocol.md). */
export const PROTOCOL_VERSION = "1.0";
/** Default upper bound of an envelope's encoded size. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Content type of an envelope payload. */
export const ENVELOPE_CONTENT_TYPE = "application/json";
/** Content type of a binary chunk frame (MQTT 5 contentType). */
export const CHUNK_CONTENT_TYPE = "application/vnd.sfn.chunk";
/** Default chunk size of a binary transfer. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

"""The sfn wire protocol 1.0 (docs/protocol.md): envelopes, call/reply builders, MQTT 5 property
mirroring, topics, ids and chunk frames. Pure functions, no I/O."""

from ._wire._assembler import CompletedTransfer, TransferAssembler, transfer_failure
from ._wire._chunks import ChunkFrame, decode_chunk_frame, encode_chunk_frame, split_into_chunk_frames
from ._wire._constants import (
    CHUNK_CONTENT_TYPE,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_MAX_PAYLOAD_BYTES,
    DEFAULT_MAX_TRANSFER_BYTES,
    ENVELOPE_CONTENT_TYPE,
    PROTOCOL_VERSION,
)
from ._wire._envelope import (
    Call,
    EnvelopeDecodeError,
    as_call,
    as_reply_body,
    create_call_envelope,
    create_error_reply,
    create_message_envelope,
    create_success_reply,
    decode_envelope,
    encode_envelope,
    encode_json,
    envelope_to_dict,
    now_ms,
    parse_json_payload,
    remaining_ms,
)
from ._wire._ids import new_call_id, new_message_id, new_session_id
from ._wire._properties import MqttPublishProperties, message_expiry_interval, mqtt_properties_for
from ._wire._topics import (
    assert_publish_topic,
    dead_letter_topic,
    is_valid_service_name,
    prefixed_topic,
    publish_topic_problem,
    reply_topic,
    service_topic,
    shared_service_subscription,
)
from ._wire._trace import child_traceparent

__all__ = [
    "CHUNK_CONTENT_TYPE",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MAX_PAYLOAD_BYTES",
    "DEFAULT_MAX_TRANSFER_BYTES",
    "ENVELOPE_CONTENT_TYPE",
    "PROTOCOL_VERSION",
    "Call",
    "ChunkFrame",
    "CompletedTransfer",
    "EnvelopeDecodeError",
    "MqttPublishProperties",
    "TransferAssembler",
    "as_call",
    "as_reply_body",
    "assert_publish_topic",
    "child_traceparent",
    "create_call_envelope",
    "create_error_reply",
    "create_message_envelope",
    "create_success_reply",
    "dead_letter_topic",
    "decode_chunk_frame",
    "decode_envelope",
    "encode_chunk_frame",
    "encode_envelope",
    "encode_json",
    "envelope_to_dict",
    "is_valid_service_name",
    "message_expiry_interval",
    "mqtt_properties_for",
    "new_call_id",
    "new_message_id",
    "new_session_id",
    "now_ms",
    "parse_json_payload",
    "prefixed_topic",
    "publish_topic_problem",
    "remaining_ms",
    "reply_topic",
    "service_topic",
    "shared_service_subscription",
    "split_into_chunk_frames",
    "transfer_failure",
]

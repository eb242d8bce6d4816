from __future__ import annotations

import json
from typing import Any

import pytest

from sfn_runtime.errors import ValidationError
from sfn_runtime.generated.wire_types import MISSING
from sfn_runtime.wire import (
    EnvelopeDecodeError,
    as_call,
    as_reply_body,
    create_call_envelope,
    create_error_reply,
    create_success_reply,
    decode_envelope,
    encode_envelope,
    mqtt_properties_for,
    remaining_ms,
)

MESSAGE_ID = "0b7e6f0c-9a51-4d2e-8c3b-5f1a2d4e6b70"
CALL_ID = "wajgXSufTmqNPHsfDiqdTA"


def _bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def _decode_error(payload: bytes, **options: int) -> EnvelopeDecodeError:
    with pytest.raises(EnvelopeDecodeError) as caught:
        decode_envelope(payload, **options)
    return caught.value


def test_too_large_is_rejected_before_parsing() -> None:
    error = _decode_error(b"x" * 11, max_bytes=10)
    assert error.code == "SFN_PAYLOAD_TOO_LARGE"
    assert error.details == {"size": 11, "limit": 10}


@pytest.mark.parametrize("payload", [b"\xff\xfe", b"{", b"", b"NaN", b'{"a": Infinity}', b"[" * 100_000])
def test_malformed(payload: bytes) -> None:
    error = _decode_error(payload)
    assert error.code == "SFN_ENVELOPE_MALFORMED"
    assert error.type == "ValidationError"


def test_bom_is_ignored() -> None:
    payload = b"\xef\xbb\xbf" + _bytes({"messageId": MESSAGE_ID, "headers": {}, "body": None})
    assert decode_envelope(payload).body is None


def test_unsupported_major_is_checked_before_the_schema() -> None:
    error = _decode_error(_bytes({"protocolVersion": "2.0", "whatever": True}))
    assert error.code == "SFN_PROTOCOL_UNSUPPORTED"
    assert error.details == {"protocolVersion": "2.0", "supported": "1.0"}


def test_newer_minor_members_are_dropped() -> None:
    envelope = decode_envelope(
        _bytes({"protocolVersion": "1.7", "messageId": MESSAGE_ID, "headers": {}, "body": 1, "future": 2})
    )
    assert envelope.body == 1


def test_unknown_member_at_this_version_is_invalid() -> None:
    error = _decode_error(_bytes({"messageId": MESSAGE_ID, "headers": {}, "body": 1, "future": 2}))
    assert error.code == "SFN_ENVELOPE_INVALID"
    assert error.raw == {"messageId": MESSAGE_ID, "headers": {}, "body": 1, "future": 2}


def test_invalid_envelope_lists_violations_as_pointers() -> None:
    error = _decode_error(_bytes({"messageId": "nope", "headers": {"deadline": "soon"}}))
    assert error.code == "SFN_ENVELOPE_INVALID"
    paths = {(v["path"], v["keyword"]) for v in error.details["violations"]}
    assert ("/messageId", "format") in paths
    assert ("/headers/deadline", "pattern") in paths
    assert ("/body", "required") in paths


def test_upper_case_header_names_are_invalid() -> None:
    error = _decode_error(_bytes({"messageId": MESSAGE_ID, "headers": {"Authorization": "x"}, "body": 1}))
    assert error.code == "SFN_ENVELOPE_INVALID"


def test_body_null_is_present_and_missing_body_is_invalid() -> None:
    envelope = decode_envelope(_bytes({"messageId": MESSAGE_ID, "headers": {}, "body": None}))
    assert envelope.body is None
    assert envelope.body is not MISSING


def test_call_builder_round_trip_and_properties() -> None:
    envelope = create_call_envelope(
        function="echo",
        parameters={"text": "hi"},
        reply_to="reply/abc",
        headers={"authorization": "Bearer t"},
        timeout_ms=1500,
        now=1_000,
    )
    decoded = decode_envelope(encode_envelope(envelope))
    call = as_call(decoded)
    assert call.body.function == "echo"
    assert decoded.headers["deadline"] == "2500"
    assert remaining_ms(decoded.headers, now=2_000) == 500
    properties = mqtt_properties_for(decoded, now=1_000)
    assert properties.message_expiry_interval == 2
    assert properties.response_topic == "reply/abc"
    assert properties.correlation_data == call.call_id.encode()
    assert ("authorization", "Bearer t") not in properties.user_properties
    assert mqtt_properties_for(decoded, now=10_000).message_expiry_interval == 1


def test_as_call_explains_what_is_missing() -> None:
    envelope = decode_envelope(_bytes({"messageId": MESSAGE_ID, "headers": {}, "body": {"function": "f"}}))
    with pytest.raises(ValidationError) as caught:
        as_call(envelope)
    assert caught.value.code == "SFN_CALL_INVALID"
    details = caught.value.details
    assert details["missing"] == ["callId", "replyTo"]
    assert {"path": "/body/parameters", "keyword": "required"}.items() <= details["violations"][0].items()


def test_reply_builders() -> None:
    success = decode_envelope(encode_envelope(create_success_reply(CALL_ID, None)))
    assert success.reply_to is None
    assert as_reply_body(success).result is None
    failure = decode_envelope(
        encode_envelope(
            create_error_reply(None, {"type": "NotFound", "code": "SFN_NOT_FOUND", "message": "m"})
        )
    )
    assert failure.call_id is None
    body = as_reply_body(failure)
    assert body.error is not None
    assert body.error.code == "SFN_NOT_FOUND"


def test_invalid_reply_body() -> None:
    envelope = decode_envelope(
        _bytes({"messageId": MESSAGE_ID, "callId": CALL_ID, "headers": {}, "body": {}})
    )
    with pytest.raises(ValidationError) as caught:
        as_reply_body(envelope)
    assert caught.value.code == "SFN_ENVELOPE_INVALID"

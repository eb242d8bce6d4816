"""Cross-language agreement: the byte vectors of docs/protocol.md §15 and the interface hash vector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfn_runtime import interface_hash
from sfn_runtime.generated.wire_types import ReplyStatus
from sfn_runtime.wire import as_call, as_reply_body, decode_envelope, encode_envelope, mqtt_properties_for

from ._mqtt_packet import parse_publish

REPO = Path(__file__).resolve().parents[4]
VECTORS = REPO / "docs" / "protocol" / "examples" / "vectors"
CALLER_CLOCK_MS = 1767225600000
NAMES = ["call", "success-reply", "error-reply"]


def _payload(name: str) -> bytes:
    return (VECTORS / f"{name}.payload").read_bytes()


def _packet(name: str, version: str) -> bytes:
    return bytes.fromhex("".join((VECTORS / f"{name}.{version}.hex").read_text().split()))


@pytest.mark.parametrize("name", NAMES)
def test_payload_decodes_and_reencodes_to_identical_bytes(name: str) -> None:
    envelope = decode_envelope(_payload(name))
    assert encode_envelope(envelope) == _payload(name)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("version", ["mqtt5", "mqtt311"])
def test_packet_payload_is_the_payload_vector(name: str, version: str) -> None:
    publish = parse_publish(_packet(name, version), mqtt5=version == "mqtt5")
    assert publish.qos == 1
    assert publish.payload == _payload(name)
    if version == "mqtt311":
        assert publish.properties == {}


@pytest.mark.parametrize("name", NAMES)
def test_mirrored_properties_match_the_mqtt5_vector(name: str) -> None:
    envelope = decode_envelope(_payload(name))
    expected = mqtt_properties_for(envelope, now=CALLER_CLOCK_MS)
    publish = parse_publish(_packet(name, "mqtt5"), mqtt5=True)
    assert publish.properties.get(0x01) == expected.payload_format_indicator
    assert publish.properties.get(0x03) == expected.content_type
    assert publish.properties.get(0x08) == expected.response_topic
    assert publish.properties.get(0x09) == expected.correlation_data
    assert publish.properties.get(0x02) == expected.message_expiry_interval
    assert publish.user_properties == expected.user_properties
    assert all(prop_name != "authorization" for prop_name, _ in publish.user_properties)


def test_call_vector_is_a_call() -> None:
    call = as_call(decode_envelope(_payload("call")))
    assert call.call_id == "wajgXSufTmqNPHsfDiqdTA"
    assert call.reply_to == "reply/f3JtV1xQ8wqKz0b5cB52wA"
    assert call.body.function == "createUser"
    assert call.body.parameters == {"email": "alice@example.com", "name": "Alice"}
    assert call.envelope.headers["deadline"] == "1767225630000"


def test_reply_vectors_are_reply_bodies() -> None:
    success = as_reply_body(decode_envelope(_payload("success-reply")))
    assert success.status is ReplyStatus.SUCCESS
    assert success.result == {"userId": "0193c5a2-7e4b-7c3d-9a1f-2b3c4d5e6f70"}
    error = as_reply_body(decode_envelope(_payload("error-reply")))
    assert error.status is ReplyStatus.ERROR
    assert error.error is not None
    assert error.error.code == "SFN_PARAMETERS_INVALID"


def test_interface_hash_reproduces_the_reference_value() -> None:
    reference = json.loads((REPO / "packages" / "contracts" / "interface-hash.json").read_text())
    assert interface_hash() == reference["interfaceHash"]


def test_generated_bindings_carry_the_same_interface_hash() -> None:
    generated = (
        Path(__file__).resolve().parents[2] / "src" / "sfn_runtime" / "generated" / "interface-hash.json"
    )
    assert json.loads(generated.read_text())["interfaceHash"] == interface_hash()

from __future__ import annotations

import hashlib

import pytest

from sfn_runtime import compute_interface_hash
from sfn_runtime.errors import ValidationError
from sfn_runtime.wire import (
    assert_publish_topic,
    dead_letter_topic,
    decode_chunk_frame,
    new_call_id,
    reply_topic,
    service_topic,
    shared_service_subscription,
    split_into_chunk_frames,
)


def test_topics_with_prefix() -> None:
    assert service_topic("UserService") == "service/UserService"
    assert service_topic("UserService", prefix="run1/") == "run1/service/UserService"
    assert shared_service_subscription("Svc", prefix="t") == "$share/sfn-Svc/t/service/Svc"
    assert reply_topic("abc", prefix="t") == "t/reply/abc"
    assert dead_letter_topic("Svc") == "dlq/Svc"


@pytest.mark.parametrize("name", ["", "1abc", "a/b", "a+b", "x" * 129])
def test_invalid_service_names(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        service_topic(name)
    assert caught.value.code == "SFN_TOPIC_INVALID"


def test_invalid_group() -> None:
    with pytest.raises(ValidationError):
        shared_service_subscription("Svc", group="a/b")


@pytest.mark.parametrize("topic", ["", "a/+", "a/#", "$SYS/x", "a\x00b", "é" * 600])
def test_publish_topic_rules(topic: str) -> None:
    with pytest.raises(ValidationError) as caught:
        assert_publish_topic(topic)
    assert caught.value.code == "SFN_TOPIC_INVALID"


def test_call_ids_are_22_base64url_characters() -> None:
    ids = {new_call_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(
        len(i) == 22 and set(i) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for i in ids
    )


def test_chunk_split_and_decode() -> None:
    data = bytes(range(256)) * 10
    frames = split_into_chunk_frames(data, chunk_size=1000, headers={"authorization": "Bearer t"})
    assert len(frames) == 3
    decoded = [decode_chunk_frame(frame) for frame in frames]
    assert b"".join(frame.data for frame in decoded) == data
    assert {frame.header["sha256"] for frame in decoded} == {hashlib.sha256(data).hexdigest()}
    assert [frame.header["index"] for frame in decoded] == [0, 1, 2]


def test_empty_transfer_has_one_frame() -> None:
    (frame,) = split_into_chunk_frames(b"")
    assert decode_chunk_frame(frame).header["count"] == 1


@pytest.mark.parametrize("payload", [b"", b"\x00\x00", b"\x00\x00\x00\x09{}", b"\x00\x00\x00\x02{}"])
def test_malformed_chunk_frames(payload: bytes) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_chunk_frame(payload)
    assert caught.value.code == "SFN_TRANSFER_INVALID"


def test_hash_ignores_annotations_and_key_order_but_not_constraints() -> None:
    base = {"$id": "x", "type": "object", "properties": {"title": {"type": "string"}}}
    annotated = {
        "description": "d",
        "properties": {"title": {"type": "string", "title": "t"}},
        "type": "object",
        "$id": "x",
    }
    stricter = {**base, "required": ["title"]}
    ops = [{"interface": "I", "operations": []}]
    assert compute_interface_hash([base], ops) == compute_interface_hash([annotated], ops)
    assert compute_interface_hash([base], ops) != compute_interface_hash([stricter], ops)
    # a property *named* "title" (an object value) is kept
    assert compute_interface_hash([base], ops) != compute_interface_hash(
        [{"$id": "x", "type": "object"}], ops
    )
    with pytest.raises(TypeError):
        compute_interface_hash([base, base], ops)

"""The table lookups installed on paho's Properties (sfn_runtime._messaging._paho_tables) behave
exactly like paho's own methods: same packed bytes, same unpacked values, same errors."""

from __future__ import annotations

from typing import Any

import pytest
from paho.mqtt.exception import MQTTException
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from sfn_runtime._messaging._paho_tables import ORIGINALS


class PahoOriginal(Properties):
    """Properties with paho's original methods."""


for _name, _method in ORIGINALS.items():
    setattr(PahoOriginal, _name, _method)

CASES: list[tuple[int, dict[str, Any]]] = [
    (
        PacketTypes.PUBLISH,
        {
            "PayloadFormatIndicator": 1,
            "MessageExpiryInterval": 30,
            "ContentType": "application/json",
            "ResponseTopic": "p/reply/abc",
            "CorrelationData": b"AAAAAAAAAAAAAAAAAAAAAA",
            "UserProperty": [("traceparent", "00-1-2-01"), ("x", "y")],
        },
    ),
    (PacketTypes.PUBLISH, {"ContentType": "application/vnd.sfn.chunk"}),
    (PacketTypes.CONNECT, {"SessionExpiryInterval": 3600, "ReceiveMaximum": 20}),
    (PacketTypes.DISCONNECT, {"SessionExpiryInterval": 0}),
    (PacketTypes.PUBLISH, {}),
]


def _build(cls: type[Any], packet_type: int, values: dict[str, Any]) -> Any:
    props = cls(packet_type)
    for name, value in values.items():
        setattr(props, name, value)
    return props


@pytest.mark.parametrize(("packet_type", "values"), CASES)
def test_pack_and_unpack_equal_paho(packet_type: int, values: dict[str, Any]) -> None:
    ours, theirs = _build(Properties, packet_type, values), _build(PahoOriginal, packet_type, values)
    packed = theirs.pack()
    assert ours.pack() == packed
    read_ours: Any = Properties(packet_type)  # type: ignore[no-untyped-call]
    read_theirs: Any = PahoOriginal(packet_type)  # type: ignore[no-untyped-call]
    assert read_ours.unpack(packed)[1] == read_theirs.unpack(packed)[1]
    assert read_ours.json() == read_theirs.json()
    assert str(read_ours) == str(read_theirs)
    assert read_ours.isEmpty() == read_theirs.isEmpty() == (values == {})


def test_user_properties_accumulate_and_errors_are_pahos() -> None:
    props: Any = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.UserProperty = ("a", "1")
    props.UserProperty = [("b", "2")]
    assert props.UserProperty == [("a", "1"), ("b", "2")]
    with pytest.raises(MQTTException):
        props.NoSuchProperty = 1
    with pytest.raises(MQTTException):
        props.SessionExpiryInterval = 5  # not a PUBLISH property
    with pytest.raises(MQTTException):
        props.PayloadFormatIndicator = 2

"""A minimal MQTT PUBLISH decoder for the byte vectors of docs/protocol.md §15 (test helper only)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Publish:
    qos: int
    topic: str
    packet_id: int
    payload: bytes
    properties: dict[int, object] = field(default_factory=dict)
    user_properties: list[tuple[str, str]] = field(default_factory=list)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _string(data: bytes, pos: int) -> tuple[bytes, int]:
    length = int.from_bytes(data[pos : pos + 2], "big")
    return data[pos + 2 : pos + 2 + length], pos + 2 + length


def parse_publish(packet: bytes, *, mqtt5: bool) -> Publish:
    assert packet[0] >> 4 == 3
    qos = (packet[0] >> 1) & 3
    remaining, pos = _varint(packet, 1)
    assert len(packet) == pos + remaining
    topic, pos = _string(packet, pos)
    packet_id = int.from_bytes(packet[pos : pos + 2], "big")
    pos += 2
    result = Publish(qos, topic.decode(), packet_id, b"")
    if mqtt5:
        length, pos = _varint(packet, pos)
        end = pos + length
        while pos < end:
            prop = packet[pos]
            pos += 1
            if prop == 0x01:
                result.properties[prop] = packet[pos]
                pos += 1
            elif prop == 0x02:
                result.properties[prop] = int.from_bytes(packet[pos : pos + 4], "big")
                pos += 4
            elif prop in (0x03, 0x08):
                value, pos = _string(packet, pos)
                result.properties[prop] = value.decode()
            elif prop == 0x09:
                result.properties[prop], pos = _string(packet, pos)
            elif prop == 0x26:
                name, pos = _string(packet, pos)
                value, pos = _string(packet, pos)
                result.user_properties.append((name.decode(), value.decode()))
            else:
                raise AssertionError(f"unexpected property 0x{prop:02x}")
    result.payload = packet[pos:]
    return result

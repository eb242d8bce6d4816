"""MQTT 5 PUBLISH properties that mirror an envelope (docs/protocol.md §5)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..generated.wire_types import Envelope
from ._constants import ENVELOPE_CONTENT_TYPE
from ._envelope import now_ms


@dataclass(frozen=True)
class MqttPublishProperties:
    """Library-neutral PUBLISH properties; ``messaging`` converts them to paho's ``Properties``."""

    content_type: str = ENVELOPE_CONTENT_TYPE
    payload_format_indicator: int | None = 1
    response_topic: str | None = None
    correlation_data: bytes | None = None
    message_expiry_interval: int | None = None
    user_properties: list[tuple[str, str]] = field(default_factory=list)


def message_expiry_interval(deadline_ms: int, now: int) -> int:
    """``max(1, ceil((deadline - now) / 1000))`` seconds (P-PROP-4, P-TIME-1)."""
    return max(1, math.ceil((deadline_ms - now) / 1000))


def mqtt_properties_for(envelope: Envelope, now: int | None = None) -> MqttPublishProperties:
    """Mirrors an envelope into properties. ``authorization`` is never mirrored (P-PROP-3)."""
    deadline = envelope.headers.get("deadline")
    return MqttPublishProperties(
        response_topic=envelope.reply_to,
        correlation_data=envelope.call_id.encode("utf-8") if envelope.call_id is not None else None,
        message_expiry_interval=(
            message_expiry_interval(int(deadline), now if now is not None else now_ms())
            if deadline is not None
            else None
        ),
        user_properties=[
            (name, value) for name, value in envelope.headers.items() if name != "authorization"
        ],
    )

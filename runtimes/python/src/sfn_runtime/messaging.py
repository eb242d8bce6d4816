"""sfn messaging over MQTT 5 (paho-mqtt 2.x): request/reply with one session reply topic, manual
acknowledgement after processing, persistent sessions and TCP no-delay."""

from ._messaging._bound import BoundMessaging, IncomingCall, TransferInfo
from ._messaging._client import EnvelopeHandler, MessagingClient, Subscription
from ._messaging._connection import Connection, ConnectionOptions, ReceivedMessage

__all__ = [
    "BoundMessaging",
    "Connection",
    "ConnectionOptions",
    "EnvelopeHandler",
    "IncomingCall",
    "MessagingClient",
    "ReceivedMessage",
    "Subscription",
    "TransferInfo",
]
